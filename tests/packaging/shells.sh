#!/usr/bin/env bash
# The completion scripts the build generates (build/share/completions): each parses in its
# shell, names every command, and completes commands, subcommands, options and values when
# driven the way the shell drives it.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need zsh fish

binary="$build_dir/faultline"
scripts="$build_dir/share/completions"
bash -n "$scripts/faultline" && pass "bash -n" || fail "bash -n $scripts/faultline"
zsh -n "$scripts/_faultline" && pass "zsh -n" || fail "zsh -n $scripts/_faultline"
fish -n "$scripts/faultline.fish" && pass "fish -n" || fail "fish -n $scripts/faultline.fish"
# Generated at build time from the binary: what the binary prints now.
for shell in bash zsh fish; do
  file="$scripts/faultline"; [ "$shell" = zsh ] && file="$scripts/_faultline"; [ "$shell" = fish ] && file="$scripts/faultline.fish"
  cmp -s <("$binary" completion "$shell") "$file" && pass "$shell script is the binary's" || fail "$file differs from faultline completion $shell"
done

paths="$(command_paths "$binary")"
[ "$(wc -l <<<"$paths")" -ge 25 ] || fail "only $(wc -l <<<"$paths") commands found in --help"
while read -r path; do
  parent="${path% *}"; [ "$parent" = "$path" ] && parent=""
  name="${path##* }"
  grep -qF "'$parent:$name')" "$scripts/faultline" || fail "bash script lacks '$path'"
  grep -qF "('$parent:$name')" "$scripts/_faultline" || fail "zsh script lacks '$path'"
  grep -qF "case '$parent:$name'" "$scripts/faultline.fish" || fail "fish script lacks '$path'"
done <<<"$paths"
pass "every command of --help is in the three scripts ($(wc -l <<<"$paths") commands)"

# bash, driven as readline does: COMP_WORDS / COMP_CWORD, answer in COMPREPLY.
bash_complete() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _faultline; echo "${COMPREPLY[*]}"' \
    _ "$scripts/faultline" "$@"
}
expect() {
  local what="$1" got="$2" want="$3"
  [ "$got" = "$want" ] && pass "$what: $got" || fail "$what: got '$got', want '$want'"
}
expect "bash: faultline rev" "$(bash_complete faultline rev)" "review"
expect "bash: faultline review pu" "$(bash_complete faultline review pu)" "publish pull"
expect "bash: global option before the command" "$(bash_complete faultline --config x.toml review pu)" "publish pull"
expect "bash: open --source values" "$(bash_complete faultline open --source '')" "customer internal monitoring ci"
expect "bash: open --level values" "$(bash_complete faultline open --level '')" "P1 P2 P3 P4"
expect "bash: stats --for" "$(bash_complete faultline stats --for)" "--format"
expect "bash: completion SHELL" "$(bash_complete faultline completion '')" "bash zsh fish"
expect "bash: a free value falls back to files" "$(bash_complete faultline open --title '')" ""

# fish, as its own `complete -C` does.
fish_complete() { fish -c "source '$scripts/faultline.fish'; complete -C '$1'" | cut -f1 | tr '\n' ' ' | sed 's/ $//'; }
expect "fish: faultline review pu" "$(fish_complete 'faultline review pu')" "publish pull"
expect "fish: open --source values" "$(fish_complete 'faultline open --source ')" "ci customer internal monitoring"
expect "fish: --json before the command" "$(fish_complete 'faultline --json actions l')" "list"

# zsh: the completion system's helpers replaced by stubs that print what they were given.
zsh_complete() {
  zsh -c 'compdef() { :; }
          _describe() { local -a entries names; entries=("${(@P)4}"); names=(${entries%%:*}); print -r -- "${(j: :)names}"; }
          compadd() { shift; print -r -- "$*"; }
          _files() { print -r -- "<files>"; }
          source "$1"; shift; words=("$@"); CURRENT=$#; _faultline' _ "$scripts/_faultline" "$@"
}
expect "zsh: faultline review pu" "$(zsh_complete faultline review pu)" "init render publish pull schedule"
expect "zsh: open --source values" "$(zsh_complete faultline open --source '')" "customer internal monitoring ci"
expect "zsh: a positional falls back to files" "$(zsh_complete faultline review publish FAULT-1 '')" "<files>"
finish
