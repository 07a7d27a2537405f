#!/usr/bin/env bash
# Fuzzes one target of Fuzz/Sources with libFuzzer (address sanitizer on) and
# merges what it learns into the kept corpus, Fuzz/corpus/TARGET.
#   scripts/fuzz.sh TARGET [SECONDS]      (make fuzz FUZZ_TIME=600)
# A crash leaves its input in Fuzz/crashes/ and fails; add it to the corpus once
# fixed, so that `make test` (which replays every corpus) keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-600}
swift=${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}

# -sanitize=fuzzer would link libFuzzer's own main, which clashes with the main SwiftPM gives every
# executable; instrument with sanitizer coverage instead and link libFuzzer's driver without its main.
resource=$("$swift" -print-target-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"]["runtimeResourcePath"])')
nomain=$resource/clang/lib/linux/libclang_rt.fuzzer_no_main-$(uname -m).a
[[ -f $nomain ]] || { echo "fuzz: $nomain is missing: this toolchain has no libFuzzer" >&2; exit 1; }
"$swift" build -c release --scratch-path .build-fuzz --product presenced-fuzz \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table \
  -Xswiftc -parse-as-library -Xswiftc -DFUZZING -Xlinker "$nomain" -Xlinker -lstdc++
bin=.build-fuzz/release/presenced-fuzz

kept=Fuzz/corpus/$target
work=.build-fuzz/corpus-$target
mkdir -p "$kept" "$work" Fuzz/crashes
echo "fuzz: $target for $seconds s" >&2
# Leaks inside dependencies we cannot fix are suppressed by name (scripts/sanitize/leaks.supp); ours still fail.
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitize/leaks.supp:print_suppressions=0"
PRESENCED_FUZZ_TARGET=$target "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix=Fuzz/crashes/"$target"- -print_final_stats=1 "$work" "$kept"
# Keep only inputs that add coverage: the committed corpus stays small.
PRESENCED_FUZZ_TARGET=$target "$bin" -merge=1 "$kept" "$work" 2>&1 | tail -1
echo "fuzz: $target: $(ls "$kept" | wc -l) inputs in $kept" >&2
