#!/usr/bin/env bash
# Makes the simulated recordings of Recordings/scenes.tsv that are missing or
# stale, with `presenced simulate` (deterministic: the same line always gives
# the same bytes). A recording is stale when its manifest line or the code that
# writes it (Core, Radar's frame encoder, the simulator, Recording's MCAP writer)
# changed since it was made; .build/corpus-made remembers what made each file.
#   scripts/corpus.sh              make what is missing or stale
#   scripts/corpus.sh --force      make everything again
#   scripts/corpus.sh FILE...      only these (paths as in the manifest, e.g. demo.mcap)
#   MANIFEST=Recordings/training.tsv scripts/corpus.sh    another manifest (make model)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PRESENCED:-.build/debug/presenced}
[[ -x $bin ]] || { echo "corpus: $bin is not built (make build)" >&2; exit 1; }
made=.build/corpus-made
manifest=${MANIFEST:-Recordings/scenes.tsv}
mkdir -p .build Recordings/generated
touch "$made"
if [[ ${1:-} == --force ]]; then : > "$made"; shift; fi
only=" $* "

code=$(find Sources/PresenceCore Sources/PresenceRadar Sources/PresenceRecording Sources/PresenceSimulator Sources/CZstd -type f -print0 \
       | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-16)

jobs=()
while read -r file scene duration seed; do
  [[ -z $file || $file == \#* ]] && continue
  [[ $# -gt 0 && $only != *" $file "* ]] && continue
  key="$code:$scene:$duration:$seed"
  out=Recordings/$file
  if [[ -f $out ]] && grep -qxF "$file $key" "$made"; then continue; fi
  jobs+=("$file|$scene|$duration|$seed|$key")
done < "$manifest"
[[ ${#jobs[@]} -eq 0 ]] && exit 0

echo "corpus: making ${#jobs[@]} recording(s)" >&2
make_one() {
  IFS='|' read -r file scene duration seed key <<<"$1"
  mkdir -p "$(dirname "Recordings/$file")"
  "$bin" simulate --scene "$scene" --duration "$duration" --seed "$seed" --out "Recordings/$file.part"
  mv "Recordings/$file.part" "Recordings/$file"
  echo "  $file ($scene, $duration, seed $seed)" >&2
}
export -f make_one
export bin
printf '%s\n' "${jobs[@]}" | xargs -d '\n' -P "$(nproc)" -I{} bash -c 'make_one "$@"' _ {}

# Remember what made each file (only after all succeeded; xargs fails otherwise).
for j in "${jobs[@]}"; do
  IFS='|' read -r file _ _ _ key <<<"$j"
  grep -v "^$file " "$made" > "$made.new" || true
  echo "$file $key" >> "$made.new"
  mv "$made.new" "$made"
done
