#!/usr/bin/env bash
# Scrape latency of /metrics under load (issue 8: p99 under 2 ms on loopback
# while the pipeline runs). Starts presenced on the demo recording (real-time
# replay, all three sensors), then `wrk` with 2 threads and 8 connections for
# SECONDS seconds, and prints wrk's latency distribution. Then the baseline, side
# by side with the same wrk settings: Prometheus's own /metrics (the Go reference
# client, Debian's prometheus package, idle), and the ratio of the p99s. Needs wrk
# (scripts/deps.sh bench) and prometheus (scripts/deps.sh test).
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
[state]
dir = "state"
TOML
"$bin" run --config "$work/scrape.toml" 2> "$work/daemon.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf --noproxy "*" "http://127.0.0.1:$port/healthz/ready" > /dev/null && break; sleep 0.1; done
curl -sf --noproxy "*" "http://127.0.0.1:$port/healthz/ready" > /dev/null || { echo "scrape: the daemon did not become ready" >&2; cat "$work/daemon.log" >&2; exit 1; }
bytes=$(curl -s --noproxy "*" "http://127.0.0.1:$port/metrics" | wc -c)
echo "scrape: /metrics is $bytes bytes; wrk -t2 -c8 -d${seconds}s while the pipeline replays the demo in real time"
wrk -t2 -c8 -d"${seconds}s" --latency "http://127.0.0.1:$port/metrics" | tee "$work/ours.txt"
ticks=$(curl -s --noproxy "*" "http://127.0.0.1:$port/metrics" | awk '/^presence_tick_duration_seconds_count/ {print $2}')
echo "scrape: the pipeline ran $ticks ticks meanwhile"

# wrk prints "99%  1.41ms" (or us, s): the p99 in milliseconds.
p99() { awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v); f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.3f", v * f }' "$1"; }

command -v prometheus > /dev/null || { echo "scrape: no baseline: prometheus is not installed (scripts/deps.sh test)" >&2; exit 0; }
kill $daemon; wait $daemon 2>/dev/null || true
bport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'global:\n  scrape_interval: 1h\n' > "$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$bport" --log.level=error 2> "$work/prometheus.log" &
baseline=$!
trap 'kill $baseline 2>/dev/null; wait $baseline 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf --noproxy "*" "http://127.0.0.1:$bport/-/ready" > /dev/null && break; sleep 0.1; done
bbytes=$(curl -s --noproxy "*" "http://127.0.0.1:$bport/metrics" | wc -c)
echo "baseline: Prometheus's own /metrics ($bbytes bytes), same wrk settings"
wrk -t2 -c8 -d"${seconds}s" --latency "http://127.0.0.1:$bport/metrics" | tee "$work/baseline.txt"
ours=$(p99 "$work/ours.txt"); theirs=$(p99 "$work/baseline.txt")
echo "scrape p99: presenced $ours ms ($bytes bytes, pipeline running), Prometheus $theirs ms ($bbytes bytes);" \
  "ratio $(python3 -c "print(f'{$ours / $theirs:.2f}')") (below 1: ours is faster)"
