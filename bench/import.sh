#!/usr/bin/env bash
# Import throughput and peak memory of `jixiao import` on the seed document repeated to ~5 MB and
# ~50 MB: MB/s should hold and peak memory should not grow with the number of forms.
# Usage: bench/import.sh   (builds the release binary first; prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p jixiao
bin=target/release/jixiao
seed=examples/2024-shanghai-cgj-selfeval.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Peak resident memory in KiB of a command, from /proc (no GNU time needed).
peak_rss() {
    "$@" &
    local pid=$! peak=0 rss
    while kill -0 "$pid" 2>/dev/null; do
        rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ "${rss:-0}" -gt "$peak" ] && peak=$rss
        sleep 0.01
    done
    wait "$pid" || true
    echo "$peak"
}

echo "| input | forms | size (MB) | time (s) | MB/s | peak RSS (MiB) |"
echo "|---|---|---|---|---|---|"
for target_mb in 5 50; do
    doc="$work/seed-$target_mb.txt"
    : > "$doc"
    while [ "$(stat -c %s "$doc")" -lt $((target_mb * 1000000)) ]; do
        cat "$seed" >> "$doc"; printf '\n' >> "$doc"
    done
    bytes=$(stat -c %s "$doc")
    start=$(date +%s.%N)
    "$bin" import "$doc" -o "$work/out.json" 2>/dev/null || true
    end=$(date +%s.%N)
    forms=$(grep -c '"project":' "$work/out.json")
    rss=$(peak_rss "$bin" import "$doc" -o "$work/out2.json" 2>/dev/null)
    awk -v b="$bytes" -v s="$start" -v e="$end" -v f="$forms" -v r="$rss" -v t="$target_mb" \
        'BEGIN { d = e - s; printf "| seed ×%d (~%d MB) | %d | %.1f | %.2f | %.1f | %.1f |\n", f / 15, t, f, b / 1e6, d, b / 1e6 / d, r / 1024 }'
done
