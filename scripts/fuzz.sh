#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds:
#
#     scripts/fuzz.sh load|patterns|engine SECONDS
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# The corpus starts from the project's own example and test files. A crash
# stops the run with exit status 1 and leaves the input in
# fuzz/artifacts/TARGET/; copy it to tests/fuzz/TARGET/ so
# `cargo test --test it fuzz_regressions::` keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh load|patterns|engine SECONDS}
seconds=${2:?usage: scripts/fuzz.sh load|patterns|engine SECONDS}
case "$target" in load|patterns|engine) ;; *) echo "unknown target $target" >&2; exit 2;; esac

corpus=fuzz/corpus/$target
mkdir -p "$corpus"
if [ -z "$(ls -A "$corpus")" ]; then
  i=0
  for f in assets/examples/*.json tests/vendor/*.json tests/cases/*.json; do
    case "$target" in
      load) cp "$f" "$corpus/seed-$i" ;;
      patterns) grep -o '"\(USERS\|EXCEPT_USERS\|MEMBERS\)": *"[^"]*"' "$f" \
                  | sed 's/^[^:]*: *"//; s/"$//' > "$corpus/seed-$i" || true ;;
      engine) case "$f" in
                *.cases.json) ;;
                *) { cat "$f"; printf '\001'; cat assets/examples/pool.json;
                     printf '\001anna\001PC12\00110.20.30.120\001EXPORT_ALL\001c\00148'; } > "$corpus/seed-$i" ;;
              esac ;;
    esac
    i=$((i + 1))
  done
  # Every regression input is a seed too.
  cp tests/fuzz/"$target"/* "$corpus"/ 2>/dev/null || true
fi

# Fuzzing needs the nightly compiler. FUZZ_SANITIZER=none (CI's smoke
# mode) builds without AddressSanitizer: much quicker to build, and the
# library has no unsafe code for it to watch.
exec cargo +nightly fuzz run --sanitizer "${FUZZ_SANITIZER:-address}" "$target" "$corpus" -- \
  -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1
