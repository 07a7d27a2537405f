#!/usr/bin/env bash
# Copies the openly licensed real sounds the sound classifier trains on from
# their GitHub repositories into data/sound/ (committed; data/sound/README.md
# says what each is, where it is from and under which licence). Files are
# copied byte for byte; nothing is converted. Run once by whoever adds a
# source: the repositories are bare git mirrors (the `fetch` tool's copies),
#   scripts/sound/import-sources.sh /work/.mirror
# ESC-10 and Speech Commands are not copied: they are in ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/../.."
mirror=${1:?usage: import-sources.sh MIRROR_DIR}
out=data/sound
# copy REPO COMMIT PATH DEST: one file out of a bare repository at a fixed commit.
copy() {
  mkdir -p "$(dirname "$out/$3")"
  git --git-dir="$mirror/$1/repo" show "$2:$4" > "$out/$3"
}
list() { git --git-dir="$mirror/$1/repo" ls-tree -r --name-only "$2" "$3"; }

# Infant cries (donateacry-corpus, the cleaned set): the first 8 of each reason, by name.
cry=gveres+donateacry-corpus cry_rev=6baf5aca0460964ad072653585837f968a87c2af
for reason in belly_pain burping discomfort hungry tired; do
  list $cry $cry_rev "donateacry_corpus_cleaned_and_updated_data/$reason/" | sort | head -8 | while read -r f; do
    copy $cry $cry_rev "donateacry/$reason/$(basename "$f")" "$f"
  done
done
copy $cry $cry_rev donateacry/README.md README.md

# Spoken digits (free-spoken-digit-dataset): takes 0 and 1 of every digit by every speaker.
fsdd=Jakobovski+free-spoken-digit-dataset fsdd_rev=26eb9aaf76e81b692f806f9140c2d2777410d7a1
list $fsdd $fsdd_rev recordings/ | grep -E '_[01]\.wav$' | while read -r f; do
  copy $fsdd $fsdd_rev "fsdd/$(basename "$f")" "$f"
done
copy $fsdd $fsdd_rev fsdd/README.md README.md

# librosa's example audio: speech, music, a bird and a whale, each with its licence note.
lib=librosa+data lib_rev=450cdd8a002c98e7bdbfebb309fc1ed024001f77
for stem in 198-209-0000 3436-172162-0000 5703-47212-0000 456440__inspectorj__bird-whistling-robin-single-13 \
    "Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra)" Kevin_MacLeod_-_Vibe_Ace \
    Kevin_MacLeod_-_P_I_Tchaikovsky_Dance_of_the_Sugar_Plum_Fairy Karissa_Hobbs_-_Lets_Go_Fishin \
    sorohanro_-_solo-trumpet-06 glacier-bay-humpback; do
  copy $lib $lib_rev "librosa/$stem.ogg" "audio/$stem.ogg"
  copy $lib $lib_rev "librosa/$stem.txt" "audio/$stem.txt"
done

# Blanket's ambient loops (the larger rain, waves and birds loops are left out: ESC-10 has those).
blanket=rafaelmardojai+blanket blanket_rev=8b1c27aedde1d6ad8053ce5ad351a2924bcdb766
for s in boat city coffee-shop fireplace storm summer-night train wind pink-noise white-noise; do
  copy $blanket $blanket_rev "blanket/$s.ogg" "data/resources/sounds/$s.ogg"
done
copy $blanket $blanket_rev blanket/SOUNDS_LICENSING.md SOUNDS_LICENSING.md

# Snoring (freesound 52234 by mookie182, CC BY), from IBM's MAX-Audio-Classifier samples.
ibm=IBM+MAX-Audio-Classifier ibm_rev=3c308abcb04e1523e668ebaf76ca55898cd97d28
copy $ibm $ibm_rev max-audio/snoring.wav samples/snoring.wav
copy $ibm $ibm_rev max-audio/README.md samples/README.md
du -sh "$out"
