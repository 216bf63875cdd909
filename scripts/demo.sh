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

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; }

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

step "The merged config, where each value came from (the token is masked)" faultline config show
"$faultline" config show

echo
echo "demo: done."
