#!/usr/bin/env bash
# installer/check-packages.sh — builds the .deb packages and checks them without installing them:
#   - both packages are made, with files in their FHS places and Debian dependencies filled in;
#   - the package version, each binary's --version and CMake's project version agree;
#   - the extracted receiver starts and answers GET /v1/health over loopback.
# Usage: bash installer/check-packages.sh   (CI runs it; packages land in build/package/)
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset package >/dev/null
cmake --build --preset package
(cd build/package && rm -f ./*.deb && cpack -G DEB >/dev/null)

version=$(sed -n 's/^  VERSION \([0-9.]*\)$/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "check-packages: cannot read the project version from CMakeLists.txt" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"; [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true' EXIT
fail() { echo "check-packages: $*" >&2; exit 1; }

for pkg in fieldkiosk fieldkiosk-server; do
  deb="build/package/${pkg}_${version}_amd64.deb"
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
         /lib/systemd/system/fieldkiosk-server.service; do
  expect_file "$f"
done

for bin in fieldkiosk fieldkiosk-ctl fieldkiosk-server; do
  got=$("$root/usr/bin/$bin" --version)
  [ "$got" = "$bin $version" ] || fail "$bin --version says '$got', expected '$bin $version'"
done
# The installed tools find the installed surveys by themselves (compiled with prefix /usr).
FIELDKIOSK_SURVEYS="$root/usr/share/fieldkiosk/survey_defs" "$root/usr/bin/fieldkiosk-ctl" validate -q >/dev/null \
  || fail "the packaged surveys do not validate"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$root/usr/bin/fieldkiosk-server" serve --db "sqlite:$root/server.db" --listen "127.0.0.1:$port" \
  --surveys "$root/usr/share/fieldkiosk-server/survey_defs" >"$root/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  if curl -fsS "http://127.0.0.1:$port/v1/health" >"$root/health.json" 2>/dev/null; then break; fi
  sleep 0.1
done
grep -q '"status":"ok"' "$root/health.json" 2>/dev/null || { cat "$root/server.log" >&2; fail "the packaged receiver did not answer /v1/health"; }
echo "packaged receiver: GET /v1/health -> $(head -c 200 "$root/health.json")"
echo "check-packages: ok"
