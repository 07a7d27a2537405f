#!/usr/bin/env bash
# How often presenced says "occupied" in rooms with nobody in them, over hours
# (issue 7: at most one false transition per 8 hours of the empty scenes).
# Simulates the empty scenes (nobody, a lamp, sunlight, auto-exposure, a
# television, a cat, a fan and a curtain) with fresh seeds, BATCHES batches of
# MINUTES minutes each, scores each batch with `presenced eval` (default
# configuration and built-in model) and deletes it (a batch of 7 x 10 minutes
# is about 3.4 GB), then prints the false alarms per scene and per hour. Each seed is also a radar room
# (static clutter, some of it above the LD2410's factory thresholds: SimulatorRadarRoom.swift); every batch
# is scored twice, without a calibration and with one learned (`presenced calibrate`) from another empty
# minute of the same room.
#   scripts/empty-hours.sh                 8.2 hours: 7 batches of 7 scenes x 10 min
#   BATCHES=1 MINUTES=2 scripts/empty-hours.sh     a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PRESENCED:-.build-release/release/presenced}
[[ -x $bin ]] || { echo "empty-hours: $bin is not built (make release)" >&2; exit 1; }
batches=${BATCHES:-7}
minutes=${MINUTES:-10}
scenes=(empty lamp sunlight auto-exposure television pet fan-curtain)
work=$(mktemp -d "${TMPDIR:-/tmp}/presenced-empty-hours.XXXXXX")
trap 'rm -rf "$work"' EXIT
summary=$work/summary.tsv
for b in $(seq 1 "$batches"); do
  seed=$((100 + b))
  printf '%s\n' "${scenes[@]}" | xargs -P "$(nproc)" -I{} "$bin" simulate --scene {} --duration "${minutes}m" \
    --seed "$seed" --out "$work/{}-s$seed.mcap"
  "$bin" simulate --scene empty --duration 60s --seed "$seed" --out "$work/room.mcap.part"
  "$bin" calibrate "$work/room.mcap.part" --out "$work/room.json" > /dev/null
  rm "$work/room.mcap.part"
  # All three sensors, as without a config (sensor sections narrow the modalities; eval opens no device).
  printf '[camera]\ndevice = "sim"\n[audio]\ndevice = "sim"\n[radar]\ndevice = "sim"\ncalibration = "room.json"\n' > "$work/calibrated.toml"
  "$bin" eval "$work"/*.mcap --report "$work/report" > /dev/null
  "$bin" eval "$work"/*.mcap --config "$work/calibrated.toml" --report "$work/report-calibrated" > /dev/null
  for mode in uncalibrated calibrated; do
    report=$work/report$([[ $mode == calibrated ]] && echo -calibrated || true)
    python3 - "$report/metrics.json" "$seed" "$mode" >> "$summary" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for r in m["recordings"]:
    t = r["totals"]
    print(f"{r['score']['name']}\t{sys.argv[2]}\t{t['emptySeconds']:.0f}\t{t['falseAlarms']}\t{sys.argv[3]}")
PY
  done
  rm -rf "$work"/*.mcap "$work"/report*
  echo "empty-hours: batch $b of $batches (seed $seed) scored" >&2
done
python3 - "$summary" <<'PY'
import collections, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
seconds, alarms = collections.Counter(), collections.Counter()
for name, seed, s, a, mode in rows:
    scene = name.rsplit("-s", 1)[0]
    seconds[scene, mode] += float(s)
    alarms[scene, mode] += int(a)
print("| scene | empty time | false alarms, uncalibrated | false alarms, calibrated |")
print("|---|---|---|---|")
for scene in sorted({k[0] for k in seconds}):
    print(f"| {scene} | {seconds[scene, 'uncalibrated'] / 3600:.2f} h | {alarms[scene, 'uncalibrated']} | {alarms[scene, 'calibrated']} |")
for mode in ("uncalibrated", "calibrated"):
    total_h = sum(v for k, v in seconds.items() if k[1] == mode) / 3600
    total = sum(v for k, v in alarms.items() if k[1] == mode)
    print(f"| all, {mode} | {total_h:.2f} h | {total} ({total / total_h * 8:.2f} per 8 hours) | |")
PY
