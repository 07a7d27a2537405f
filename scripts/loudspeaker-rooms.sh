#!/usr/bin/env bash
# Empty rooms with a loudspeaker in them (issue 23): a simulated empty room (camera, radar, microphone; its
# own radar clutter per seed) whose microphone hears a real television, radio, podcast or smart speaker
# (scripts/convert/loudspeaker.py, from the sound classifier's real clips). Nobody is there: every
# "occupied" is false.
#   scripts/loudspeaker-rooms.sh dev DIR     make report: 5 minutes each, dev clips, seeds 160-163
#   scripts/loudspeaker-rooms.sh train DIR   make model: 140 s each, training clips, seeds 50-53
set -euo pipefail
cd "$(dirname "$0")/.."
split=${1:?usage: loudspeaker-rooms.sh dev|train DIR}
dir=${2:?usage: loudspeaker-rooms.sh dev|train DIR}
bin=${PRESENCED:-.build-release/release/presenced}
py=${PY:-.venv/bin/python}
case $split in
  dev) seed=160 duration=300s suffix="" ;;
  train) seed=50 duration=140s suffix="-train" ;;
  *) echo "loudspeaker-rooms: split is dev or train, not $split" >&2; exit 64 ;;
esac
mkdir -p "$dir"
for programme in television radio podcast speaker; do
  out=$dir/loudspeaker-$programme$suffix-s$seed.mcap
  # Made again when the simulator (the binary) or the converter is newer than it.
  if [[ ! -f $out || $bin -nt $out || scripts/convert/loudspeaker.py -nt $out ]]; then
    "$bin" simulate --scene empty --duration "$duration" --seed "$seed" --out "$out.room.part" > /dev/null
    "$py" scripts/convert/loudspeaker.py "$out.room.part" "$out.part" --programme "$programme" --split "$split" --seed "$seed"
    rm "$out.room.part"
    mv "$out.part" "$out"
  fi
  seed=$((seed + 1))
done
