#!/usr/bin/env bash
# installer/setup-deps.sh — installs the Debian 12 packages fieldkiosk needs to build, test and run.
#
# This file is the one list of every Debian package the project needs. It is idempotent: it asks apt
# only for what is missing, so a second run does nothing and needs no network.
#
#   sudo bash installer/setup-deps.sh            # build + test + run dependencies
#   sudo bash installer/setup-deps.sh --fuzz     # also clang + libFuzzer, for the fuzz preset
#   bash installer/setup-deps.sh --list          # print the package list and exit
set -euo pipefail

# Build toolchain
BUILD=(build-essential cmake ninja-build pkg-config git)
# Libraries (headers) the code compiles against; libsodium (ISC licence) seals answers to a survey's key
# (seal/, linked by storage, the kiosk and fieldkiosk-server) and hashes the kiosk's admin PIN
LIBS=(nlohmann-json3-dev libcli11-dev libsqlite3-dev libsodium-dev)
# XLSForm import/export (issue 12, core/xlsform/): libzip (BSD-3-Clause) reads .xlsx packages, pugixml (MIT)
# their XML and the XForm, libxlsxwriter (BSD-2-Clause) writes workbooks; all linked by fieldkiosk-ctl
LIBS+=(libzip-dev libpugixml-dev libxlsxwriter-dev)
# Sync (issue 4): libcurl (OpenSSL) for the kiosk's client; cpp-httplib, libpq, OpenSSL and zlib for
# the client's gzip and for fieldkiosk-server
SYNC=(libcurl4-openssl-dev libcpp-httplib-dev libpq-dev libssl-dev zlib1g-dev)
# Operator tools used by the docs and tests (sqlite3 shell for inspecting a kiosk database)
RUNTIME=(sqlite3)
# A real PostgreSQL for the receiver's tests (tests/support/start-postgres.sh) and for production
SERVER=(postgresql)
# The touch kiosk (issue 3): Dear ImGui 1.86 (SDL2 + OpenGL3 backends), SDL2, OpenGL headers, stb
# (stb_image_write for --screenshot), libsodium (also in LIBS), toml++ (settings); at run time the
# Noto Sans fonts and Mesa's OpenGL; Xvfb for the screenshot tests
KIOSK=(libimgui-dev libsdl2-dev libgl-dev libstb-dev libsodium-dev libtomlplusplus-dev fonts-noto-core libgl1-mesa-dri xvfb xauth)
# Scripts beyond Latin and read-aloud: libraqm (HarfBuzz + FriBidi) shapes and orders text, FreeType draws it,
# ICU breaks lines; Noto CJK for Chinese; espeak-ng is run as a separate program (GPL-3: never linked).
SCRIPTS=(libraqm-dev libharfbuzz-dev libfribidi-dev libfreetype-dev libicu-dev fonts-noto-cjk espeak-ng)
# The results dashboard is tested in real headless Chromium, driven over WebDriver (chromedriver).
BROWSER=(chromium chromium-driver)
# The kiosk session and its checks: cage (Wayland kiosk compositor) runs the kiosk full screen
# (installer/systemd/fieldkiosk-kiosk.service); check-packages.sh runs `systemd-analyze verify` on the
# packaged units, which needs every ExecStart/ExecReload binary to exist (procps: /bin/kill), and curl
# for the receiver's /v1/health
SESSION=(cage systemd procps curl)
# Test and benchmark frameworks; faketime runs the time suites with the clock moved a year ahead (.ci/run)
TEST=(googletest libgtest-dev libgmock-dev libbenchmark-dev faketime)
# Formatting and static analysis (used by developers and CI lint steps)
TOOLS=(clang-format clang-tidy)
# libFuzzer: clang 16 (clang 14 cannot compile libstdc++ 12's std::expected); only with --fuzz
FUZZ=(clang-16 libclang-rt-16-dev)

want=("${BUILD[@]}" "${LIBS[@]}" "${SYNC[@]}" "${RUNTIME[@]}" "${SERVER[@]}" "${KIOSK[@]}" "${SCRIPTS[@]}" "${BROWSER[@]}" "${SESSION[@]}" "${TEST[@]}" "${TOOLS[@]}")
for arg in "$@"; do
  case "$arg" in
    --fuzz) want+=("${FUZZ[@]}") ;;
    --list) printf '%s\n' "${want[@]}" "${FUZZ[@]}"; exit 0 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup-deps: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${want[@]}"; do
  # dpkg-query prints "install ok installed" only for a fully installed package.
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#want[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-deps: missing packages: ${missing[*]}" >&2
  echo "setup-deps: run as root (sudo bash $0) to install them" >&2
  exit 1
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup-deps: done"
