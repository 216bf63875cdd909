#!/usr/bin/env bash
# The Debian packages (cpack -G DEB): names, control fields, dependencies, contents, and the
# unpacked binary runs, names its commit and finds its installed templates.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need cpack dpkg-deb dpkg-shlibdeps file

(cd "$work" && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/packages" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; finish; }
version="$(sed -n 's/^project(faultline VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")"
arch="$(dpkg --print-architecture)"
main="$work/packages/faultline_${version}_${arch}.deb"
sandbox="$work/packages/faultline-sandbox_${version}_${arch}.deb"
for deb in "$main" "$sandbox"; do
  if [ -f "$deb" ]; then pass "built $(basename "$deb")"; else fail "$(basename "$deb") was not built: $(ls "$work/packages")"; finish; fi
done

field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$main" Package)" = faultline ] && pass "Package: faultline" || fail "Package is '$(field "$main" Package)'"
[ "$(field "$main" Version)" = "$version" ] && pass "Version: $version" || fail "Version is '$(field "$main" Version)'"
[ "$(field "$main" Architecture)" = "$arch" ] && pass "Architecture: $arch" || fail "Architecture is '$(field "$main" Architecture)'"
[ -n "$(field "$main" Maintainer)" ] && pass "Maintainer set" || fail "no Maintainer"
description="$(field "$main" Description)"
[[ "$description" == "online-fault process on Jira, Confluence and chat"* ]] && [ "$(wc -l <<<"$description")" -gt 1 ] &&
  pass "Description: synopsis and long text" || fail "Description is '$description'"

# Depends: what dpkg-shlibdeps found in the binary, plus every library faultline loads at
# run time (each util::SharedLibrary in the sources names its Debian package).
depends="$(field "$main" Depends)"
has_dependency() { tr ',' '\n' <<<"$depends" | sed -E 's/^ +//; s/ .*//' | grep -qxF "$1"; }
# libcpp-httplib0.11: faultline-serve (the alert receiver) links it.
for package in libc6 libstdc++6 libfmt9 libtomlplusplus3 libcpp-httplib0.11 ca-certificates tzdata; do
  has_dependency "$package" && pass "Depends on $package" || fail "Depends lacks $package: $depends"
done
loaded="$(grep -rhoE 'SharedLibrary [a-z_]+\("[^"]+", "[^"]+"\)' "$source_dir/src" | sed -E 's/.*", "([^"]+)"\)/\1/' | sort -u)"
[ -n "$loaded" ] || fail "found no util::SharedLibrary in the sources"
for package in $loaded; do
  has_dependency "$package" && pass "Depends on $package (loaded at run time)" || fail "Depends lacks $package, which faultline loads: $depends"
done
[ "$(field "$sandbox" Package)" = faultline-sandbox ] && pass "Package: faultline-sandbox" || fail "sandbox Package is '$(field "$sandbox" Package)'"

contents="$(dpkg-deb -c "$main" | awk '{print $6}')"
for path in ./usr/bin/faultline ./usr/bin/faultline-serve ./usr/share/faultline/templates/review/fault-analysis.storage.mustache \
    ./usr/share/doc/faultline/README.md ./usr/share/man/man1/faultline.1.gz \
    ./usr/share/bash-completion/completions/faultline ./usr/share/zsh/vendor-completions/_faultline \
    ./usr/share/fish/vendor_completions.d/faultline.fish; do
  grep -qxF "$path" <<<"$contents" && pass "faultline.deb has $path" || fail "faultline.deb lacks $path"
done
grep -q "faultline-sandbox" <<<"$contents" && fail "faultline.deb carries the sandbox" || pass "faultline.deb has no sandbox"
sandbox_contents="$(dpkg-deb -c "$sandbox" | awk '{print $6}')"
grep -qxF ./usr/bin/faultline-sandbox <<<"$sandbox_contents" && pass "faultline-sandbox.deb has /usr/bin/faultline-sandbox" ||
  fail "faultline-sandbox.deb lacks /usr/bin/faultline-sandbox"
grep -qxF ./usr/bin/faultline <<<"$sandbox_contents" && fail "faultline-sandbox.deb carries faultline" || pass "sandbox package is the sandbox only"

root="$work/unpacked"
dpkg-deb -x "$main" "$root"
if file "$root/usr/bin/faultline" | grep -q "stripped" && ! file "$root/usr/bin/faultline" | grep -q "not stripped"; then
  pass "the packaged binary is stripped"
else
  fail "the packaged binary is not stripped"
fi
version_json="$("$root/usr/bin/faultline" --version --json)"
commit="$(git -C "$source_dir" rev-parse HEAD 2>/dev/null || echo unknown)"
if grep -q "\"version\": \"$version\"" <<<"$version_json" && grep -q "\"commit\": \"$commit" <<<"$version_json"; then
  pass "the packaged binary names version and commit"
else
  fail "--version --json printed $version_json"
fi
check_installed_templates "$root" "unpacked .deb"
finish
