# Shared by the packaging checks: run as `bash tests/packaging/<check>.sh BUILD_DIR SOURCE_DIR`.
set -euo pipefail

build_dir="$1"
source_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# A missing tool skips the check (exit 77) on a developer machine and fails it in CI, where
# scripts/setup.sh test installs it.
need() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      if [ "${CI:-}" = true ]; then
        echo "FAIL: $tool is not installed (scripts/setup.sh test installs it)" >&2
        exit 1
      fi
      echo "skipped: $tool is not installed (scripts/setup.sh test installs it)" >&2
      exit 77
    fi
  done
}

finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
}

# Every command path the binary's --help lists, recursively: "open", "review publish", ...
# (read from --help, not from the generator under test).
command_paths() {
  local binary="$1" prefix="${2:-}" name
  # shellcheck disable=SC2086
  for name in $("$binary" $prefix --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}'); do
    echo "${prefix:+$prefix }$name"
    command_paths "$binary" "${prefix:+$prefix }$name"
  done
}

# A review file and a config that let `review render --offline` run without a server.
write_render_inputs() {
  printf '+++\nlevel = "P2"\n+++\n\n## Summary\n\nThe checkout failed.\n' > "$work/review.md"
  printf '[jira]\nurl = "http://127.0.0.1:9"\nflavor = "datacenter"\nproject = "OPS"\n\n[team]\ntimezone = "UTC"\n' \
    > "$work/faultline.toml"
}

# Appends a marker to an installed template under ROOT/usr/share/faultline and renders with
# ROOT/usr/bin/faultline: the marker in the output shows the installed templates are the ones read.
check_installed_templates() {
  local root="$1" what="$2"
  write_render_inputs
  echo "INSTALLED-TEMPLATE-MARKER" >> "$root/usr/share/faultline/templates/review/fault-analysis.md.mustache"
  local output
  if output="$(cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" "$root/usr/bin/faultline" --config faultline.toml \
      review render FAULT-7 review.md --format markdown --offline 2>"$work/render.err")"; then
    if grep -q "INSTALLED-TEMPLATE-MARKER" <<<"$output"; then
      pass "$what: the binary renders with its installed templates"
    else
      fail "$what: the render did not use $root/usr/share/faultline/templates"
    fi
  else
    fail "$what: review render failed: $(cat "$work/render.err")"
  fi
}
