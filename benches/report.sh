#!/usr/bin/env bash
# Reproduces every figure of BENCHMARKS.md: criterion times (`cargo bench`), callgrind
# instruction counts per operation, interleaved best-of times, the emulator's figures, and the
# table.
#
#   cd benches && ./report.sh            # everything (about 15 minutes on 2 cores)
#   ./report.sh --no-bench               # only callgrind and the table (reuses the last run)
#
# Set CARGO_TARGET_DIR to share a build directory; default: benches/target.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
out="$CARGO_TARGET_DIR/twapi-bench"
mkdir -p "$out"

if [ "${1:-}" != "--no-bench" ]; then
  cargo bench
fi

# Instructions per operation: two runs under callgrind, (I(n2) - I(n1)) / (n2 - n1), so that
# the setup (generating payloads, keying) cancels out exactly.
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install valgrind" >&2; exit 1; }
cargo build --release --example count
count="$CARGO_TARGET_DIR/release/examples/count"
instructions() { # op n -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$count" "$1" "$2" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
: > "$out/callgrind.tsv"
for op in $("$count" list); do
  case "$op" in
    sign/*) n1=100; n2=1100 ;;
    decode/*) n1=1; n2=6 ;;
    core/followers_ids_exchange/build_sign) n1=100; n2=1100 ;;
    core/followers_ids_exchange/*) n1=2; n2=22 ;;
    core/*) n1=100; n2=2100 ;;
  esac
  i1=$(instructions "$op" "$n1")
  i2=$(instructions "$op" "$n2")
  per=$(( (i2 - i1) / (n2 - n1) ))
  printf '%s\t%s\n' "$op" "$per" | tee -a "$out/callgrind.tsv"
done

# Best-of times: each group's operations timed in turn (`count time`), 40 rounds of ~10 ms
# batches, the fastest batch of each kept: every operation meets the same load, and the
# fastest batch is the least disturbed by it.
: > "$out/time.tsv"
for group in $("$count" list | sed 's,/[^/]*$,,' | uniq); do
  # shellcheck disable=SC2046
  "$count" time 40 $("$count" list | grep "^$group/") | tee -a "$out/time.tsv"
done

# The machine, for the table.
{
  echo "nproc	$(nproc)"
  echo "cpu	$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "rustc	$(rustc --version)"
  echo "valgrind	$(valgrind --version)"
} > "$out/machine.tsv"

cargo run --release --example report -- "$CARGO_TARGET_DIR"
