#!/usr/bin/env bash
# Runs a real Jira client library's script against a fresh faultline-sandbox.
#
#   run_client.sh SANDBOX_BIN FLAVOR python|node SCRIPT
#
# Starts SANDBOX_BIN --flavor FLAVOR on a free loopback port, runs SCRIPT with the sandbox's
# base URL as its only argument (python: /usr/bin/python3 with python-jira; node: node with
# jira.js from $FAULTLINE_JIRA_JS or .tools/node_modules/jira.js, passed to the script as
# $JIRA_JS), stops the sandbox and exits with the script's status. When the client library is
# missing it exits 77 (CTest: skipped), except under CI=true, where that is a failure.
set -uo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: run_client.sh SANDBOX_BIN FLAVOR python|node SCRIPT" >&2
  exit 2
fi
sandbox_bin="$1" flavor="$2" kind="$3" script="$4"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"

case "$kind" in
  python)
    # python-jira is the Debian package python3-jira: the system interpreter, not a pyenv one.
    interpreter=(/usr/bin/python3)
    missing=""
    /usr/bin/python3 -c "import jira" >/dev/null 2>&1 || missing="python-jira (/usr/bin/python3 -c 'import jira'; apt-get install python3-jira)"
    ;;
  node)
    interpreter=(node)
    export JIRA_JS="${FAULTLINE_JIRA_JS:-$root/.tools/node_modules/jira.js}"
    missing=""
    if ! command -v node >/dev/null 2>&1; then
      missing="node"
    elif [ ! -f "$JIRA_JS/package.json" ]; then
      missing="jira.js at $JIRA_JS (npm install --prefix .tools jira.js)"
    fi
    ;;
  *)
    echo "run_client.sh: unknown client kind '$kind'" >&2
    exit 2
    ;;
esac
if [ -n "$missing" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "run_client.sh: $missing is missing, and CI=true: failing" >&2
    exit 1
  fi
  echo "run_client.sh: skipped, $missing is missing" >&2
  exit 77
fi
if [ ! -x "$sandbox_bin" ]; then
  echo "run_client.sh: $sandbox_bin is not an executable" >&2
  exit 1
fi

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null
    wait "$sandbox_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$sandbox_bin" --flavor "$flavor" --host 127.0.0.1 --port 0 >"$work/stdout" 2>"$work/stderr" &
sandbox_pid=$!
url=""
for _ in $(seq 1 200); do
  url="$(head -n 1 "$work/stdout" 2>/dev/null)"
  [ -n "$url" ] && break
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then break; fi
  sleep 0.05
done
if [ -z "$url" ]; then
  echo "run_client.sh: faultline-sandbox did not print its URL" >&2
  cat "$work/stderr" >&2
  exit 1
fi

export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
"${interpreter[@]}" "$script" "$url"
status=$?
if [ "$status" -ne 0 ]; then
  echo "run_client.sh: $script failed ($status); sandbox log:" >&2
  tail -n 40 "$work/stderr" >&2
fi
exit "$status"
