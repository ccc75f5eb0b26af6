#!/usr/bin/env bash
# installer/bootstrap.sh — the two commands of the README, for a fresh Debian 12 machine (as root).
#
#   bash installer/bootstrap.sh run [KIOSK FLAGS]   install what is missing, build (release), and open the
#                                                   touch kiosk with the shipped surveys on its embedded
#                                                   SQLite database (default ~/.local/share/fieldkiosk/kiosk.db)
#   bash installer/bootstrap.sh run --preview [ID]  the same build, then walk a survey in the terminal instead
#   bash installer/bootstrap.sh test                install what is missing, build (dev), run every test
#
# The kiosk opens a 1280x720 window unless you pass your own flags (e.g. --windowed 1080x1920 for a
# portrait kiosk; see `fieldkiosk --help`). It needs a display: run it from a
# desktop session (X11 or Wayland). A kiosk in the field runs it full screen under cage (installer/systemd/).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
shift || true
case "$mode" in
  run|test) ;;
  *) echo "usage: bash installer/bootstrap.sh run [--preview] | test" >&2; exit 2 ;;
esac

bash installer/setup-deps.sh

if [ "$mode" = test ]; then
  cmake --preset dev
  cmake --build --preset dev
  ctest --preset dev
  exit 0
fi

cmake --preset release
# Only what this command runs: the kiosk and fieldkiosk-ctl (the release tree also holds the tests and
# benchmarks, which bench/run-all builds when it needs them).
if [ "${1:-}" = "--preview" ]; then
  cmake --build --preset release --target fieldkiosk-ctl
else
  cmake --build --preset release --target fieldkiosk fieldkiosk-ctl
fi
if [ "${1:-}" = "--preview" ]; then
  shift
  [ $# -eq 0 ] && set -- food
  exec ./build/release/tools/fieldkiosk-ctl preview --surveys survey_defs "$@"
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "bootstrap: no display here (neither DISPLAY nor WAYLAND_DISPLAY is set)." >&2
  echo "  Run this from a desktop session to see the kiosk, or walk a survey in the terminal with:" >&2
  echo "    bash installer/bootstrap.sh run --preview food" >&2
  exit 1
fi
[ $# -eq 0 ] && set -- --windowed 1280x720
exec ./build/release/kiosk/fieldkiosk --surveys survey_defs "$@"
