#!/usr/bin/env bash
# The README demo: starts the bundled sandbox (Jira + Confluence + chat emulator), points
# faultline at it, and walks what faultline can do so far. Needs no Atlassian account.
#   scripts/demo.sh BUILD_DIR [cloud|datacenter]
set -euo pipefail
build="$(cd "${1:?usage: scripts/demo.sh BUILD_DIR [cloud|datacenter]}" && pwd)"
flavor="${2:-cloud}"
faultline="$build/faultline"
sandbox="$build/tests/sandbox/faultline-sandbox"

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Prints a heading and the command as a person would type it (arguments with spaces quoted).
step() {
  printf '\n\033[1m== %s\033[0m\n$' "$1"
  shift
  for arg in "$@"; do
    case "$arg" in *" "*) printf ' "%s"' "$arg" ;; *) printf ' %s' "$arg" ;; esac
  done
  printf '\n'
}

"$sandbox" --flavor "$flavor" --port 0 --token demo-token >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do
  [ -s "$work/sandbox.out" ] && break
  sleep 0.05
done
base="$(head -n 1 "$work/sandbox.out")"
[ -n "$base" ] || { echo "demo: the sandbox did not start:" >&2; cat "$work/sandbox.err" >&2; exit 1; }
echo "sandbox ($flavor) at $base — issues at $base/browse/FAULT-1, ..."

if [ "$flavor" = cloud ]; then
  user="oncall@example.com"; confluence="$base/wiki"
else
  user="oncall"; confluence="$base/confluence"
fi
export DEMO_JIRA_TOKEN=demo-token NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
cd "$work"

step "Discover the site and write a config" \
  faultline init --non-interactive --jira-url "$base" --user "$user" --token-env DEMO_JIRA_TOKEN \
  --project FAULT --space OPS --confluence-url "$confluence" --output faultline.toml
"$faultline" init --non-interactive --jira-url "$base" --user "$user" --token-env DEMO_JIRA_TOKEN \
  --project FAULT --space OPS --confluence-url "$confluence" --output faultline.toml
sed -n '1,200p' faultline.toml

step "Check every dependency" faultline doctor
"$faultline" doctor

# The team's coordinator and a chat channel: the sandbox's generic hook stands in for WeCom,
# DingTalk, Feishu, Slack or Teams (its URL is a secret, read from the environment).
sed -i 's/^# coordinator = "dave"/coordinator = "dave"/' faultline.toml
cat >>faultline.toml <<TOML

[channels.availability]
kind = "generic"
url_env = "DEMO_AVAILABILITY_HOOK"

[routes]
"fault.opened" = ["availability"]
"fault.updated" = ["availability"]
"fault.recovered" = ["availability"]

[people.dave]
jira = "$( [ "$flavor" = cloud ] && echo 5b10a2844c20165700ede21d || echo dave )"
TOML
export DEMO_AVAILABILITY_HOOK="$base/hooks/generic/availability"

step "The merged config, where each value came from (the token and the hook URL are masked)" faultline config show
"$faultline" config show

step "A fault is confirmed: open it (level from the business unit's rules would work too)" \
  faultline open --title "Checkout returns 500 for card payments" --level P2 --type "Code Defect" \
  --source customer --team payments --service checkout --started-at -20m --dedupe-key checkout-500
"$faultline" open --title "Checkout returns 500 for card payments" --level P2 --type "Code Defect" \
  --source customer --team payments --service checkout --started-at -20m --dedupe-key checkout-500
key="$("$faultline" list --json | sed -n 's/.*"key": *"\(FAULT-[0-9]*\)".*/\1/p' | head -n 1)"

step "The same alert fires again: no second fault, a comment on the first" \
  faultline open --title "Checkout returns 500 for card payments" --level P2 --dedupe-key checkout-500 --json
"$faultline" open --title "Checkout returns 500 for card payments" --level P2 --dedupe-key checkout-500 --json

step "Investigation: post progress" faultline update "$key" --status identified --cause "bad release 2.14.0" --eta 30m
"$faultline" update "$key" --status identified --message "Card payments fail after the 2.14.0 release" \
  --cause "bad release 2.14.0" --eta 30m

step "CI rolls the release back (safe to re-run)" faultline rollback --service checkout --from 2.14.0 --to 2.13.2 --fault "$key"
GITHUB_ACTIONS=true GITHUB_REPOSITORY=acme/checkout GITHUB_SHA=4f2a9c1 GITHUB_RUN_ID=9001 GITHUB_RUN_ATTEMPT=1 \
  GITHUB_SERVER_URL=https://github.example.com GITHUB_ACTOR=release-bot \
  "$faultline" rollback --service checkout --from 2.14.0 --to 2.13.2 --fault "$key"

step "Service restored: record the recovery (the review is due within 24 hours)" \
  faultline recover "$key" --how rollback --rollback-to 2.13.2 --data-repair not-needed --impact "12% of card payments failed for 35 minutes"
"$faultline" recover "$key" --how rollback --rollback-to 2.13.2 --data-repair not-needed \
  --impact "12% of card payments failed for 35 minutes"

step "The fault: facts, times, timeline" faultline show "$key"
"$faultline" show "$key"

step "All faults, open or not" faultline list --all
"$faultline" list --all

step "What the chat group received" curl "$base/_sandbox/messages"
curl -s "$base/_sandbox/messages" | grep -o '"title":"\[[^"]*"' | sed 's/^"title":/- /'
echo
echo "demo: done. While it ran, the fault was at $base/browse/$key"
