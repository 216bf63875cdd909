#!/usr/bin/env bash
# faultline(1), generated at build time from the command tree: renders with man -l without a
# warning, has a NAME line whatis understands, every command of --help, and is what the
# binary prints now.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need man lexgrog

binary="$build_dir/faultline"
page="$build_dir/share/man/faultline.1"
cmp -s <("$binary" help --man) "$page" && pass "the man page is the binary's" || fail "$page differs from faultline help --man"
cmp -s <(gzip -dc "$page.gz") "$page" && pass "faultline.1.gz is faultline.1" || fail "faultline.1.gz differs"

MANWIDTH=80 man --warnings -l "$page.gz" >"$work/man.txt" 2>"$work/man.err" || fail "man -l failed"
[ -s "$work/man.err" ] && fail "man -l warned: $(head -5 "$work/man.err")" || pass "man -l renders without warnings"
lexgrog "$page" | grep -q 'faultline - ' && pass "NAME: $(lexgrog "$page")" || fail "lexgrog cannot read NAME"

paths="$(command_paths "$binary")"
while read -r path; do
  grep -qE "^ +faultline $path\$" "$work/man.txt" || fail "the man page lacks 'faultline $path'"
done <<<"$paths"
pass "every command of --help has its section ($(wc -l <<<"$paths") commands)"
# The same text as --help: each option description of one command, word for word.
"$binary" review publish --help | sed -n 's/^  --[a-z-]*\( [A-Z]*\)* \{2,\}//p' | while read -r description; do
  first_words="$(cut -d' ' -f1-4 <<<"$description")"
  tr -s ' \n' ' ' <"$work/man.txt" | grep -qF -- "$first_words" || echo "missing: $first_words"
done >"$work/missing.txt"
[ -s "$work/missing.txt" ] && fail "review publish options not in the man page: $(cat "$work/missing.txt")" ||
  pass "review publish's option descriptions are in the man page"
finish
