#!/usr/bin/env bash
# Someone sitting still for an hour (issue 22): the radar's per-gate level adapts to the room, and must not learn
# a person who barely moves. Simulates a 62-minute sit-still scene (about 61 minutes seated, breathing only) in a
# room the model was not trained on, and scores it without a microphone (camera and radar) and with the radar
# alone, uncalibrated: the number of times presenced said "vacant" while they sat there.
#   scripts/long-sit.sh            one room (seed 301; about 10 minutes, 3 GB in TMPDIR while it runs)
#   SEED=302 MINUTES=30 scripts/long-sit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PRESENCED:-.build-release/release/presenced}
[[ -x $bin ]] || { echo "long-sit: $bin is not built (make release)" >&2; exit 1; }
seed=${SEED:-301}
minutes=${MINUTES:-62}
work=$(mktemp -d "${TMPDIR:-/tmp}/presenced-long-sit.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$bin" simulate --scene sit-still --duration "${minutes}m" --seed "$seed" --out "$work/sit-still-s$seed.mcap"
printf '[camera]\ndevice = "sim"\n[radar]\ndevice = "sim"\n' > "$work/no-microphone.toml"
printf '[radar]\ndevice = "sim"\n' > "$work/radar-only.toml"
echo "| sensors | seated | accuracy | said vacant while seated | false occupied |"
echo "|---|---|---|---|---|"
for mode in no-microphone radar-only; do
  "$bin" eval "$work/sit-still-s$seed.mcap" --config "$work/$mode.toml" --report "$work/report-$mode" > /dev/null
  python3 - "$work/report-$mode/metrics.json" "$mode" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["overall"]
t = o["ticks"]
n = sum(t[k] for k in ("truePositives", "trueNegatives", "falsePositives", "falseNegatives"))
print(f"| {sys.argv[2]} | {o['occupiedSeconds'] / 60:.1f} min | {(t['truePositives'] + t['trueNegatives']) / n:.4f} | {o['falseVacancies']} | {o['falseAlarms']} |")
PY
done
