#!/usr/bin/env bash
# Scrape latency of /metrics under load (issue 8: p99 under 2 ms on loopback
# while the pipeline runs). Starts presenced on the demo recording (real-time
# replay, all three sensors), then `wrk` with 2 threads and 8 connections for
# SECONDS seconds, and prints wrk's latency distribution. Needs wrk (Debian
# package `wrk`; scripts/deps.sh bench installs it).
#   scripts/load/scrape.sh [PRESENCED]        (make load-scrape)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build-release/release/presenced}
seconds=${SECONDS_UNDER_LOAD:-20}
command -v wrk > /dev/null || { echo "scrape: wrk is not installed (scripts/deps.sh bench)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/presenced-scrape.XXXXXX")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/scrape.toml" <<TOML
[replay]
file = "$PWD/Recordings/demo.mcap"
loop = true
[socket]
path = "events.sock"
group = ""
[metrics]
listen = "127.0.0.1:$port"
TOML
"$bin" run --config "$work/scrape.toml" 2> "$work/daemon.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf --noproxy "*" "http://127.0.0.1:$port/healthz/ready" > /dev/null && break; sleep 0.1; done
curl -sf --noproxy "*" "http://127.0.0.1:$port/healthz/ready" > /dev/null || { echo "scrape: the daemon did not become ready" >&2; cat "$work/daemon.log" >&2; exit 1; }
bytes=$(curl -s --noproxy "*" "http://127.0.0.1:$port/metrics" | wc -c)
echo "scrape: /metrics is $bytes bytes; wrk -t2 -c8 -d${seconds}s while the pipeline replays the demo in real time"
wrk -t2 -c8 -d"${seconds}s" --latency "http://127.0.0.1:$port/metrics"
ticks=$(curl -s --noproxy "*" "http://127.0.0.1:$port/metrics" | awk '/^presence_tick_duration_seconds_count/ {print $2}')
echo "scrape: the pipeline ran $ticks ticks meanwhile"
