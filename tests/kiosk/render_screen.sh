#!/usr/bin/env bash
# Renders one kiosk screen with the real binary under Xvfb and checks the PNG.
#   render_screen.sh FIELDKIOSK WxH SCREEN OUT.png
# Exit 0: rendered (exit 0, no ImGui assertion, a non-empty PNG of the right size); 77: skipped (no xvfb-run).
set -euo pipefail
bin=$1 size=$2 screen=$3 out=$4
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "xvfb-run not installed (apt install xvfb xauth): skipped"
  exit 77
fi
mkdir -p "$(dirname "$out")"
rm -f "$out"
xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" --windowed "$size" --screenshot "$out" --goto "$screen"
if [ ! -s "$out" ]; then
  echo "no PNG written to $out" >&2
  exit 1
fi
# The PNG header: 8-byte signature, then IHDR width and height (big-endian).
read -r w h < <(od -An -tu1 -j16 -N8 "$out" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
if [ "${w}x${h}" != "$size" ]; then
  echo "PNG is ${w}x${h}, expected $size" >&2
  exit 1
fi
echo "rendered $screen at $size: $(stat -c %s "$out") bytes"
