#!/usr/bin/env bash
# `make test-sanitize`: the whole test suite, and every daemon and command the
# tests start, built with AddressSanitizer (LeakSanitizer included) and then
# with ThreadSanitizer, each in a scratch directory of its own (.build-address,
# .build-thread). A sanitizer report anywhere fails the run: the processes the
# tests start write theirs to files (log_path), which are printed at the end,
# so a report in a daemon is not lost in a log that no test reads.
#   SANITIZERS="thread" make test-sanitize     only one of them
# Suppressions (scripts/sanitize/*.supp) name each one's reason.
set -euo pipefail
cd "$(dirname "$0")/.."
swift=${SWIFT:-swift}
status=0
for s in ${SANITIZERS:-address thread}; do
  scratch=.build-$s
  reports=$PWD/$scratch/reports
  start=$(date +%s)
  "$swift" build --build-tests --sanitize="$s" --scratch-path "$scratch"
  # The corpus recordings the regression tests replay (made once; the same bytes whichever binary).
  PRESENCED=$scratch/debug/presenced scripts/corpus.sh
  rm -rf "$reports" && mkdir -p "$reports"
  built=$(date +%s)
  supp=$PWD/scripts/sanitize
  set +e
  PRESENCED_TEST_PRODUCTS=$PWD/$scratch/debug \
  ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1" \
  LSAN_OPTIONS="suppressions=$supp/leaks.supp:print_suppressions=0" \
  TSAN_OPTIONS="log_path=$reports/tsan:suppressions=$supp/thread.supp" \
    "$swift" test --skip-build --sanitize="$s" --scratch-path "$scratch" 2>&1 | tee "$scratch/test.log"
  tests=${PIPESTATUS[0]}
  set -e
  found=$(find "$reports" -type f | wc -l)
  echo "test-sanitize: $s: build $(( built - start )) s, tests $(( $(date +%s) - built )) s, exit $tests, $found report file(s)"
  if (( found > 0 )); then
    for f in "$reports"/*; do echo "== $f"; head -60 "$f"; done
  fi
  (( tests == 0 && found == 0 )) || status=1
done
exit $status
