#!/usr/bin/env bash
# Load on `jixiao serve --demo` (release build) with wrk: requests/s and latency percentiles of
#   - GET  /api/v1/forms/1             one form: its canonical JSON, rule result and findings;
#   - GET  /api/v1/forms?per_page=50   the list (all 15 demo forms of the filler's unit);
#   - PUT  /api/v1/forms/{id}          a save: the form is re-scored and audited, and stored as
#                                      a new version (one SQLite write transaction).
# All as the demo filler, authenticated by the session cookie (and the CSRF token on the PUT).
#
# Saves need the version they are based on, and a save based on a stale version answers 409.
# So that no request is a conflict (which would be cheap and flatter the figures), every wrk
# connection saves its own draft: one connection per wrk thread (-t N -c N), the thread's Lua
# state holds that draft's id and current version, and each 200 answer gives the next version.
# Saves are measured twice: one connection (the latency of a save by itself) and four
# connections on four drafts (saves queue on SQLite's single writer lock).
#
# Usage: bench/server.sh [SECONDS]   (default 10 per run; prints a Markdown table on stdout and
# the raw wrk output on stderr). Needs curl, wrk and jq (`apt-get install -y wrk jq`).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
for tool in curl wrk jq; do
    command -v "$tool" >/dev/null || { echo "bench/server.sh: $tool is missing (apt-get install -y $tool)" >&2; exit 2; }
done

cargo build --release -q -p jixiao
bin=target/release/jixiao
work=$(mktemp -d)
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# Start on an ephemeral port and read the address from the line that says it is listening.
"$bin" serve --demo --addr 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 100); do
    grep -q '已启动' "$work/serve.out" 2>/dev/null && break
    sleep 0.1
done
base=$(sed -n 's|^jixiao 已启动：\(http://[0-9.:]*\)/.*|\1|p' "$work/serve.out")
[ -n "$base" ] || { cat "$work/serve.out" "$work/serve.err" >&2; exit 1; }

# Log in as the filler: the session cookie and the CSRF token.
curl -sf -D "$work/login.headers" -o "$work/login.json" -H 'Content-Type: application/json' \
    -d '{"login":"filler","password":"jixiao-demo"}' "$base/api/v1/login"
session=$(sed -n 's/^[Ss]et-[Cc]ookie: \(jixiao_session=[0-9a-f]*\).*/\1/p' "$work/login.headers")
csrf=$(jq -r .csrf "$work/login.json")

# Drafts 4..7 of the demo (forms 1-3 are submitted): each one's form and current version,
# read again before each save run (the previous run moved the versions on).
save_ids=(4 5 6 7)
drafts() {
    for id in "${save_ids[@]}"; do
        curl -sf -H "Cookie: $session" "$base/api/v1/forms/$id" >"$work/get-$id.json"
        jq -c .form "$work/get-$id.json" >"$work/form-$id.json"
        jq -r .record.version "$work/get-$id.json" >"$work/version-$id"
    done
}

cat >"$work/save.lua" <<'LUA'
-- One draft per thread (run with as many connections as threads).
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("slot", threads)
end

function init(args)
    local dir = args[1]
    id = args[slot + 1]
    local file = io.open(dir .. "/form-" .. id .. ".json")
    form = file:read("*a"):gsub("%s+$", "")
    file:close()
    file = io.open(dir .. "/version-" .. id)
    version = tonumber(file:read("*a"))
    file:close()
    path = "/api/v1/forms/" .. id
end

function request()
    return wrk.format("PUT", path, nil,
        '{"version":' .. version .. ',"note":"bench","form":' .. form .. '}')
end

function response(status, headers, body)
    -- The record comes first in the answer; its version is the next save's base.
    if status == 200 then
        version = tonumber(body:match('"version":(%d+)'))
    end
end
LUA

# One wrk run; its raw output to stderr, one table row to stdout.
# Two wrk threads for the GETs (the machine's two cores are shared with the server).
run() {
    local label=$1 threads=$2 connections=$3
    shift 3
    local out="$work/wrk.out"
    wrk -t "$threads" -c "$connections" -d "${duration}s" --latency -H "Cookie: $session" "$@" >"$out"
    cat "$out" >&2
    awk -v label="$label" -v c="$connections" '
        /Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = $2 }
        /^ +90%/ { p90 = $2 }
        /^ +99%/ { p99 = $2 }
        /Non-2xx/ { errors = $NF }
        / requests in / { total = $1 }
        END { printf "| %s | %d | %s | %.0f | %s | %s | %s | %d |\n", label, c, total, rps, p50, p90, p99, errors }
    ' "$out"
}

echo "| request | connections | requests | requests/s | p50 | p90 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|---|---|"
run "GET one form" 2 16 "$base/api/v1/forms/1"
run "GET one form" 2 64 "$base/api/v1/forms/1"
run "GET list (per_page=50)" 2 16 "$base/api/v1/forms?per_page=50"
run "GET list (per_page=50)" 2 64 "$base/api/v1/forms?per_page=50"
# The script's arguments (after the URL): the directory with the drafts, and their ids.
drafts
run "PUT save + rescore, own draft" 1 1 -s "$work/save.lua" \
    -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' "$base" "$work" "${save_ids[@]}"
drafts
run "PUT save + rescore, own draft each" 4 4 -s "$work/save.lua" \
    -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' "$base" "$work" "${save_ids[@]}"

# The saves really happened: each draft's version moved on by its number of 200 answers.
for id in "${save_ids[@]}"; do
    printf 'form %s: version %s -> %s\n' "$id" "$(cat "$work/version-$id")" \
        "$(curl -sf -H "Cookie: $session" "$base/api/v1/forms/$id" | jq .record.version)" >&2
done
