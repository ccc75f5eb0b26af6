#!/usr/bin/env bash
# installer/check-packages.sh — builds the .deb packages and checks them without installing them:
#   - both packages are made, with files in their FHS places and Debian dependencies filled in;
#   - the package version, each binary's --version and CMake's project version agree;
#   - systemd-analyze verify passes on both units as packaged (ExecStart binaries included), with no warning;
#   - each package has a machine-readable /usr/share/doc/PKG/copyright naming every shipped licence;
#   - the extracted receiver starts with the packaged /etc/fieldkiosk/server.toml and answers GET /v1/health.
# Usage: bash installer/check-packages.sh   (CI runs it; packages land in build/package/)
#   FIELDKIOSK_PACKAGE_BUILD_DIR=DIR  build in DIR instead of build/package (beside someone else's build)
#   FIELDKIOSK_PACKAGE_JOBS=N         parallel compile jobs (default 2, as the package build preset)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgdir=${FIELDKIOSK_PACKAGE_BUILD_DIR:-build/package}
cmake --preset package -B "$pkgdir" >/dev/null
cmake --build "$pkgdir" -j "${FIELDKIOSK_PACKAGE_JOBS:-2}"
(cd "$pkgdir" && rm -f ./*.deb && cpack -G DEB >/dev/null)

version=$(sed -n 's/^  VERSION \([0-9.]*\)$/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "check-packages: cannot read the project version from CMakeLists.txt" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"; [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true' EXIT
fail() { echo "check-packages: $*" >&2; exit 1; }

for pkg in fieldkiosk fieldkiosk-server; do
  deb="$pkgdir/${pkg}_${version}_amd64.deb"
  [ -f "$deb" ] || fail "$deb was not built"
  [ "$(dpkg-deb -f "$deb" Package)" = "$pkg" ] || fail "$deb: wrong Package field"
  [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$deb: Version $(dpkg-deb -f "$deb" Version) is not $version"
  depends=$(dpkg-deb -f "$deb" Depends)
  echo "$depends" | grep -q "libc6" || fail "$deb: Depends was not filled in by dpkg-shlibdeps: $depends"
  dpkg-deb -x "$deb" "$root"
  echo "$pkg $version: $(dpkg-deb -c "$deb" | grep -vc '/$') files; Depends: $depends"
done

expect_file() { [ -e "$root$1" ] || fail "missing $1"; }
for f in /usr/bin/fieldkiosk /usr/bin/fieldkiosk-ctl /usr/bin/fieldkiosk-server /etc/fieldkiosk/fieldkiosk.toml \
         /usr/share/fieldkiosk/survey_defs/food.json /usr/share/fieldkiosk/assets/strings/en.json \
         /usr/share/fieldkiosk-server/survey_defs/food.json /lib/systemd/system/fieldkiosk-kiosk.service \
         /lib/systemd/system/fieldkiosk-server.service /etc/fieldkiosk/server.toml; do
  expect_file "$f"
done
# The settings files are conffiles: an upgrade keeps the operator's edits.
for pc in fieldkiosk:/etc/fieldkiosk/fieldkiosk.toml fieldkiosk-server:/etc/fieldkiosk/server.toml; do
  dpkg-deb -I "$pkgdir/${pc%%:*}_${version}_amd64.deb" conffiles 2>/dev/null | grep -qx "${pc#*:}" \
    || fail "${pc%%:*}: ${pc#*:} is not a conffile"
done

# Each package carries a machine-readable copyright file (DEP-5) with the project's MIT licence, and every
# licence named in a packaged survey's "sources" appears in it verbatim (folded lines joined first).
for pkg in fieldkiosk fieldkiosk-server; do
  copyright="$root/usr/share/doc/$pkg/copyright"
  [ -f "$copyright" ] || fail "$pkg: missing /usr/share/doc/$pkg/copyright"
  head -n1 "$copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
    || fail "$pkg: /usr/share/doc/$pkg/copyright is not in the machine-readable format (no Format: line)"
  grep -q '^License: Expat$' "$copyright" || fail "$pkg: the copyright file does not state the project's licence (Expat)"
  grep -q 'Permission is hereby granted, free of charge' "$copyright" || fail "$pkg: the copyright file lacks the MIT text"
  joined=$(sed -e ':a' -e 'N' -e '$!ba' -e 's/\n  */ /g' "$copyright")
  for survey in "$root/usr/share/$pkg/survey_defs/"*.json; do
    while IFS= read -r licence; do
      [ -n "$licence" ] || continue
      grep -qF -- "$licence" <<<"$joined" \
        || fail "$pkg: ${survey##*/} names the licence '$licence', which /usr/share/doc/$pkg/copyright does not list"
    done < <(python3 -c 'import json,sys; [print(s.get("licence","")) for s in json.load(open(sys.argv[1])).get("sources",[])]' "$survey")
  done
  echo "$pkg: /usr/share/doc/$pkg/copyright lists the project's licence and every survey source's licence"
done

for bin in fieldkiosk fieldkiosk-ctl fieldkiosk-server; do
  got=$("$root/usr/bin/$bin" --version)
  [ "$got" = "$bin $version" ] || fail "$bin --version says '$got', expected '$bin $version'"
done
# The installed tools find the installed surveys by themselves (compiled with prefix /usr).
FIELDKIOSK_SURVEYS="$root/usr/share/fieldkiosk/survey_defs" "$root/usr/bin/fieldkiosk-ctl" validate -q >/dev/null \
  || fail "the packaged surveys do not validate"

# The units as the packages install them, checked inside the extracted tree (--root), so that their
# ExecStart binaries are the packaged ones. --root looks every unit up inside the tree, so the host's own
# units (sysinit.target, ...) are copied in first, without replacing ours; so are cage, the kiosk's
# compositor, and /bin/kill, the receiver's ExecReload (other Debian packages, installed by setup-deps.sh). verify exits 0 after warnings such as
# "Unknown key ..., ignoring", so any output at all fails the check.
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (bash installer/setup-deps.sh installs systemd)"
cage=$(command -v cage) || fail "cage is missing: the kiosk unit runs it (bash installer/setup-deps.sh installs it)"
[ -x /bin/kill ] || fail "/bin/kill is missing: the receiver unit's ExecReload runs it (bash installer/setup-deps.sh installs procps)"
cp -an /lib/systemd/system/. "$root/lib/systemd/system/"
install -m 0755 "$cage" "$root/usr/bin/cage"
install -D -m 0755 /bin/kill "$root/bin/kill"
units=(/lib/systemd/system/fieldkiosk-kiosk.service /lib/systemd/system/fieldkiosk-server.service)
if ! verify=$(systemd-analyze verify --man=no --root="$root" "${units[@]}" 2>&1) || [ -n "$verify" ]; then
  echo "$verify" >&2
  fail "systemd-analyze verify found problems in the packaged units (above)"
fi
echo "systemd-analyze verify: ${units[*]##*/}: ok"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
# The packaged settings file, as the unit uses it; flags point its paths into the extracted tree.
"$root/usr/bin/fieldkiosk-server" serve --config "$root/etc/fieldkiosk/server.toml" --db "sqlite:$root/server.db" \
  --listen "127.0.0.1:$port" --surveys "$root/usr/share/fieldkiosk-server/survey_defs" >"$root/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  if curl -fsS "http://127.0.0.1:$port/v1/health" >"$root/health.json" 2>/dev/null; then break; fi
  sleep 0.1
done
grep -q '"status":"ok"' "$root/health.json" 2>/dev/null || { cat "$root/server.log" >&2; fail "the packaged receiver did not answer /v1/health"; }
echo "packaged receiver: GET /v1/health -> $(head -c 200 "$root/health.json")"
echo "check-packages: ok"
