#!/usr/bin/env bash
# Renders every printed page of a workbook exported from a plans folder, to look at them before a
# release: LibreOffice prints the workbook to PDF, poppler turns each page into a PNG.
# Usage: scripts/pages.sh OUT_DIR [PLANS] [exporter options…]
#   e.g. scripts/pages.sh /tmp/pages Plans --date 2026-11-27 --scenario dsil-refusee-halle
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/pages.sh OUT_DIR [PLANS] [options]}
plans=${2:-Plans}
shift $(( $# >= 2 ? 2 : 1 ))
bin=${MAQUETTE:-.build/debug/maquette}
mkdir -p "$out"
rm -f "$out"/*.png "$out"/*.pdf "$out"/*.xlsx
"$bin" exporter "$plans" -o "$out/classeur.xlsx" "$@" >/dev/null
soffice --headless --convert-to pdf --outdir "$out" "$out/classeur.xlsx" >/dev/null 2>&1
pdftoppm -r "${RESOLUTION:-60}" -png "$out/classeur.pdf" "$out/page"
ls "$out"/page*.png | wc -l | xargs echo "pages:"
