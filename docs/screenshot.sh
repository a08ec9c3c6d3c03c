#!/usr/bin/env bash
# Shoots one page of each book with headless Chromium, to check by eye that the books render:
# formulas typeset by the bundled MathJax, code listings and figures shown, Chinese glyphs drawn
# (fonts-noto-cjk, in packages.txt). Not a test: a person looks at the PNGs.
#   docs/screenshot.sh [PAGE] [OUT_DIR]    PAGE defaults to ch01_perceptron.html,
#                                          OUT_DIR to output/screenshots/
# Needs Chromium (apt-get install chromium) and the books (./course docs).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PAGE=${1:-ch01_perceptron.html}
OUT=${2:-$ROOT/output/screenshots}
DOCS="$ROOT/build/${COURSE_PRESET:-release}/docs"
BROWSER=$(command -v chromium || command -v chromium-browser || true)
[ -n "$BROWSER" ] || { echo "screenshot.sh: chromium not found (apt-get install chromium)" >&2; exit 1; }
mkdir -p "$OUT"
for book in en zh-CN; do
  html="$DOCS/html/$PAGE"
  [ "$book" = zh-CN ] && html="$DOCS/zh-CN/html/$PAGE"
  [ -f "$html" ] || { echo "screenshot.sh: $html not found (./course docs)" >&2; exit 1; }
  png="$OUT/${PAGE%.html}.$book.png"
  # MathJax typesets after load: give it virtual time before the shot.
  "$BROWSER" --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files \
    --virtual-time-budget=15000 --window-size=1280,4000 --screenshot="$png" "file://$html" \
    >/dev/null 2>&1
  echo "screenshot.sh: $png"
done
