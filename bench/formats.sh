#!/usr/bin/env bash
# Import time per format: the 15 seed forms rendered by `jixiao render` to XLSX, DOCX, HTML and
# PDF, then read back by `jixiao import` (format told by content). Each import runs 5 times; the
# fastest run counts (the machine's other work only ever slows a run down).
# Usage: bench/formats.sh   (builds the release binary first; prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p jixiao
bin=target/release/jixiao
seed=examples/2024-shanghai-cgj-selfeval.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp examples/2024-shanghai-cgj-selfeval.txt "$work/forms.txt"
for format in xlsx docx html pdf; do
    "$bin" render --format "$format" -o "$work/forms.$format" "$seed"
done

echo "| format | size (kB) | pages | best of 5 (ms) | ms per form | ms per page |"
echo "|---|---|---|---|---|---|"
for format in txt xlsx docx html pdf; do
    file="$work/forms.$format"
    best=""
    for _ in 1 2 3 4 5; do
        start=$(date +%s%N)
        "$bin" import "$file" -o "$work/out.json" 2>/dev/null
        end=$(date +%s%N)
        ms=$(( (end - start) / 1000000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    forms=$(grep -c '"project":' "$work/out.json")
    [ "$forms" -eq 15 ] || { echo "$format: $forms forms read, not 15" >&2; exit 1; }
    pages="–"; per_page="–"
    if [ "$format" = pdf ]; then
        pages=$(pdfinfo "$file" 2>/dev/null | awk '/^Pages:/ {print $2}')
        per_page=$(awk -v b="$best" -v p="$pages" 'BEGIN { printf "%.1f", b / p }')
    fi
    awk -v f="$format" -v s="$(stat -c %s "$file")" -v b="$best" -v pg="$pages" -v pp="$per_page" \
        'BEGIN { printf "| %s | %.0f | %s | %d | %.1f | %s |\n", f, s / 1000, pg, b, b / 15, pp }'
done
