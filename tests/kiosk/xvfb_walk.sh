#!/usr/bin/env bash
# Walks a survey by taps on the real binary under Xvfb: the taps a headless walk recorded
# (UiWalkRecorder.DISABLED_RecordsATouchWalkForXvfb) replayed with xdotool, Continue double-tapped
# (two clicks 100 ms apart: the second must do nothing), then what was saved read back.
#   xvfb_walk.sh BUILD_DIR SURVEY LANG WxH OUT_DIR
# Leaves in OUT_DIR: taps.txt, end.png (the last screen), stats.txt and export.csv.
set -euo pipefail
build=$1 survey=$2 lang=$3 size=$4 out=$5
mkdir -p "$out/config"
rm -f "$out/kiosk.db"*
FIELDKIOSK_WALK="$survey $lang $size $out/taps.txt" "$build/tests/kiosk_ui_tests" \
  --gtest_also_run_disabled_tests --gtest_filter='UiWalkRecorder.*' >"$out/record.log"
w=${size%x*} h=${size#*x}
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 "${w}x${h}x24" -nolisten tcp &
xvfb=$!
trap 'kill "$kiosk" 2>/dev/null || true; kill "$xvfb" 2>/dev/null || true' EXIT
sleep 1
DISPLAY=$display XDG_CONFIG_HOME=$out/config "$build/kiosk/fieldkiosk" --windowed "$size" --db "$out/kiosk.db" \
  >"$out/kiosk.log" 2>&1 &
kiosk=$!
sleep 3
while read -r id x y; do
  [ "$id" = "#" ] && continue
  DISPLAY=$display xdotool mousemove --sync "$x" "$y"
  if [ "$id" = "nav:next" ]; then
    DISPLAY=$display xdotool click --repeat 2 --delay 100 1
  else
    DISPLAY=$display xdotool click 1
  fi
  sleep 0.7  # past the tap guard after a page change, as a reader would be
done <"$out/taps.txt"
sleep 1
if command -v import >/dev/null 2>&1; then
  DISPLAY=$display import -window root "$out/end.png"
else
  echo "(ImageMagick's import is not installed: no end.png)"
fi
kill "$kiosk"
wait "$kiosk" || true
"$build/tools/fieldkiosk-ctl" stats --db "$out/kiosk.db" >"$out/stats.txt"
"$build/tools/fieldkiosk-ctl" export "$survey" --db "$out/kiosk.db" >"$out/export.csv" 2>&1 || true
echo "walked $survey $lang at $size: $(grep -c . "$out/taps.txt") taps; saved: $(cat "$out/stats.txt" | head -3 | tr '\n' ' ')"
