#!/usr/bin/env bash
# Prints the table of BENCHMARKS.md in one run: criterion's times (signing, decoding, core),
# gungraun's instruction counts of the same operations, the end-to-end figures against the
# emulator, the crawl at the quota, and the machine.
#
#   cd benches && ./report.sh            # everything
#   ./report.sh --no-bench               # only the table, from the last run's figures
#
# Needs valgrind and gungraun-runner for the instruction counts: `bash ../.ci/bench` installs
# both. Set CARGO_TARGET_DIR to share a build directory; default: benches/target.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
out="$CARGO_TARGET_DIR/twapi-bench"
mkdir -p "$out"

if [ "${1:-}" != "--no-bench" ]; then
  # Times: every operation beside its lower bound and its peers, in the same run.
  cargo bench --bench signing --bench decoding --bench core
  # Instructions: the same operations, one call each under callgrind (the guard's bench; its
  # output is kept for the table, its files away from the committed baselines).
  command -v valgrind >/dev/null || { echo "valgrind is missing: bash ../.ci/bench installs it" >&2; exit 1; }
  cargo bench --bench instructions -- --home="$CARGO_TARGET_DIR/gungraun-report" \
    | tee "$out/instructions.txt"
  # End to end, against the emulator (item 1; about three minutes).
  cargo bench --bench end_to_end
  # The crawl of a million followers at the quota (item 2; about four minutes, most of it the
  # windows' own time). Needs redis-server (apt-get install redis-server).
  command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 1; }
  cargo bench --bench quota
fi

{
  echo "nproc	$(nproc)"
  echo "cpu	$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "rustc	$(rustc --version)"
  echo "valgrind	$(valgrind --version 2>/dev/null || echo absent)"
} > "$out/machine.tsv"

# The bench profile, as the benches: its dependencies are already built.
cargo run --profile bench --example report -- "$CARGO_TARGET_DIR"
