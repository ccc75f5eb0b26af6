#!/usr/bin/env bash
# Renders the README's screenshots (docs/screenshots/) with the real binary under Xvfb.
#   bash tests/kiosk/make_screenshots.sh [path/to/fieldkiosk]
#   bash tests/kiosk/make_screenshots.sh path/to/fieldkiosk bn ar zh-Hans   # also attract, language, a choice, a
#       scale and thanks in those languages, both orientations, as ORIENTATION-SCREEN-LANG.png (issue 11)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/kiosk/kiosk/fieldkiosk}
shift || true
langs=("$@")
out=$here/docs/screenshots
mkdir -p "$out"
shots=(
  "attract attract"
  "consent consent"
  "choice question:food:fies_worried:no"
  "multi-write-in question:food:food_sources:supermarket+other"
  "likert question:safety:safety_walk_dark:fairly_safe"
  "scale question:youth:ons4_life_satisfaction"
  "long-list question:food:ward"
  "language language"
  "thanks thanks"
  "start-again start_again"
  "idle idle"
  "admin admin"
  "admin-panel admin:panel"
  "drafts drafts"
  "closed closed"
  "signpost question:safety:safety_signpost"
)
for orient in portrait:1080x1920 landscape:1920x1080; do
  name=${orient%%:*} size=${orient##*:}
  for s in "${shots[@]}"; do
    file=${s%% *} screen=${s#* }
    xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" --windowed "$size" --screenshot "$out/$name-$file.png" --goto "$screen"
  done
done
in_lang=(
  "attract attract"
  "language language"
  "choice question:food:fies_worried:no"
  "scale question:youth:ons4_life_satisfaction"
  "thanks thanks"
)
for lang in "${langs[@]}"; do
  for orient in portrait:1080x1920 landscape:1920x1080; do
    name=${orient%%:*} size=${orient##*:}
    for s in "${in_lang[@]}"; do
      file=${s%% *} screen=${s#* }
      xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" --windowed "$size" --lang "$lang" \
        --screenshot "$out/$name-$file-$lang.png" --goto "$screen"
    done
  done
done
# Text size and colours (docs/kiosk.md, "Accessibility"): as a resident chooses them with "Aa".
xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" --windowed 1080x1920 --screenshot "$out/question-large-text-portrait.png" \
  --goto question:food:fies_worried --text-size largest
xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" --windowed 1920x1080 --screenshot "$out/question-high-contrast-landscape.png" \
  --goto question:food:fies_worried --high-contrast
# Palette PNGs are a third of the size and look the same (flat colours, anti-aliased text): pngquant (Debian's
# pngquant) if it is there, else ImageMagick.
if command -v pngquant >/dev/null 2>&1; then
  for f in "$out"/*.png; do pngquant --quality 80-100 --speed 1 --force --output "$f.q" 256 "$f" && mv "$f.q" "$f"; done
elif command -v convert >/dev/null 2>&1; then
  for f in "$out"/*.png; do convert "$f" -dither None -colors 256 "PNG8:$f"; done
fi
ls -la "$out"
