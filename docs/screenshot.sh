#!/usr/bin/env bash
# Shoots one page of each book with headless Chromium, to check by eye that the books render:
# formulas typeset by the bundled MathJax, code listings and figures shown, Chinese glyphs drawn
# (fonts-noto-cjk, in packages.txt). Not a test: a person looks at the PNGs.
#   docs/screenshot.sh [PAGE] [OUT_DIR]    PAGE defaults to ch01_perceptron.html,
#                                          OUT_DIR to output/screenshots/
# For each book it writes PAGE.<book>.png (the whole page, 1280 px wide) and, for a lesson, a
# screen of its fourth and fifth sections (The math, The code): PAGE.<book>.math.png, .code.png.
# Needs Chromium (apt-get install chromium) and the books (./course docs).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PAGE=${1:-ch01_perceptron.html}
OUT=${2:-$ROOT/output/screenshots}
DOCS="$ROOT/build/${COURSE_PRESET:-release}/docs"
BROWSER=$(command -v chromium || command -v chromium-browser || true)
[ -n "$BROWSER" ] || { echo "screenshot.sh: chromium not found (apt-get install chromium)" >&2; exit 1; }
mkdir -p "$OUT"

shoot() {  # URL SIZE PNG; MathJax typesets after load: give it virtual time before the shot
  "$BROWSER" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --virtual-time-budget=15000 --window-size="$2" --screenshot="$3" "$1" >/dev/null 2>&1
  echo "screenshot.sh: $3"
}

for book in en zh-CN; do
  html="$DOCS/html/$PAGE"
  [ "$book" = zh-CN ] && html="$DOCS/zh-CN/html/$PAGE"
  [ -f "$html" ] || { echo "screenshot.sh: $html not found (./course docs)" >&2; exit 1; }
  base="$OUT/${PAGE%.html}.$book"
  shoot "file://$html" 1280,5000 "$base.png"
  # The anchors of the page's top-level sections, in order.
  mapfile -t anchors < <(grep -o '<h1><a class="anchor" id="[^"]*"' "$html" | cut -d'"' -f4)
  [ "${#anchors[@]}" -ge 5 ] || continue
  shoot "file://$html#${anchors[3]}" 1100,900 "$base.math.png"
  shoot "file://$html#${anchors[4]}" 1100,900 "$base.code.png"
done
