#!/usr/bin/env bash
# installer/bootstrap.sh — the two commands of the README, for a fresh Debian 12 machine (as root).
#
#   bash installer/bootstrap.sh run    install what is missing, build (release), run the main program
#   bash installer/bootstrap.sh test   install what is missing, build (dev), run every test
#
# `run` today starts `fieldkiosk-ctl preview` on the shipped food survey (an interactive walk in the
# terminal); it becomes the touch kiosk when that lands. Extra arguments after `run` go to the program.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
shift || true
case "$mode" in
  run|test) ;;
  *) echo "usage: bash installer/bootstrap.sh run|test" >&2; exit 2 ;;
esac

bash installer/setup-deps.sh

if [ "$mode" = test ]; then
  cmake --preset dev
  cmake --build --preset dev
  ctest --preset dev
else
  cmake --preset release
  cmake --build --preset release
  if [ $# -eq 0 ]; then set -- food; fi
  exec ./build/release/tools/fieldkiosk-ctl preview --surveys survey_defs "$@"
fi
