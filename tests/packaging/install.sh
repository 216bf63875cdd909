#!/usr/bin/env bash
# `cmake --install` into a staging directory (DESTDIR): every file where Debian expects it,
# and the installed binary prints its version and commit and finds its templates.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

stage="$work/stage"
DESTDIR="$stage" cmake --install "$build_dir" --prefix /usr >/dev/null

for file in usr/bin/faultline usr/bin/faultline-sandbox \
    usr/share/faultline/templates/notify/fault.opened.md.mustache \
    usr/share/faultline/templates/review/fault-analysis.storage.mustache \
    usr/share/faultline/templates/report/monthly.storage.mustache \
    usr/share/doc/faultline/README.md usr/share/doc/faultline/examples/README.md \
    usr/share/man/man1/faultline.1.gz \
    usr/share/bash-completion/completions/faultline \
    usr/share/zsh/vendor-completions/_faultline \
    usr/share/fish/vendor_completions.d/faultline.fish; do
  if [ -f "$stage/$file" ]; then pass "installed /$file"; else fail "/$file is not installed"; fi
done
# The shipped templates, all of them.
expected="$(cd "$source_dir/templates" && find . -type f | sort)"
installed="$(cd "$stage/usr/share/faultline/templates" && find . -type f | sort)"
if [ "$expected" = "$installed" ]; then pass "every shipped template installed"; else fail "installed templates differ from templates/"; fi

version_line="$("$stage/usr/bin/faultline" --version)"
commit="$(git -C "$source_dir" rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ "$version_line" =~ ^faultline\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ ${commit:0:7} ]]; then
  pass "installed --version: $version_line"
else
  fail "installed --version printed '$version_line' (commit $commit expected)"
fi
check_installed_templates "$stage" "cmake --install"
finish
