#!/usr/bin/env python3
"""Shrinks a fuzz corpus to a commit-friendly size after `cargo fuzz cmin`.

libFuzzer's merge keeps every input that adds a feature, smallest first, which leaves thousands
of files for targets with a wide surface. This runs each corpus file alone to learn the coverage
edges it reaches, then keeps a greedy set cover: the fewest files that keep the most edges,
within a file and byte budget. Files named `seed-*` (from the project's fixtures) and
`regression-*` (inputs that once crashed a target) are always kept.

    cargo +nightly fuzz build --sanitizer none <target>
    fuzz/shrink-corpus.py <target> [--max-files 150] [--max-bytes 300000] [--apply]

Without --apply it only reports what it would keep.
"""
import argparse
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def edges_of(binary, path, scratch):
    """The coverage edges one input reaches, from a one-file libFuzzer merge."""
    inputs, output = os.path.join(scratch, "in"), os.path.join(scratch, "out")
    control = os.path.join(scratch, "control")
    for d in (inputs, output):
        shutil.rmtree(d, ignore_errors=True)
        os.mkdir(d)
    if os.path.exists(control):
        os.remove(control)
    shutil.copy(path, inputs)
    subprocess.run(
        [binary, "-merge=1", "-use_counters=0", f"-merge_control_file={control}", output, inputs],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    edges = set()
    with open(control, encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if fields and fields[0] == "COV":
                edges = set(map(int, fields[2:]))
    return edges


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target")
    parser.add_argument("--max-files", type=int, default=150)
    parser.add_argument("--max-bytes", type=int, default=300_000)
    parser.add_argument("--target-dir", default=os.path.join(HERE, "target"))
    parser.add_argument("--apply", action="store_true")
    args = parser.parse_args()

    corpus = os.path.join(HERE, "corpus", args.target)
    binary = os.path.join(
        args.target_dir, "x86_64-unknown-linux-gnu", "release", args.target
    )
    names = sorted(os.listdir(corpus))
    scratch = tempfile.mkdtemp()
    try:
        edges = {n: edges_of(binary, os.path.join(corpus, n), scratch) for n in names}
    finally:
        shutil.rmtree(scratch)
    size = {n: os.path.getsize(os.path.join(corpus, n)) for n in names}
    universe = set().union(*edges.values()) if edges else set()

    chosen = [n for n in names if n.startswith(("seed-", "regression-"))]
    covered = set().union(*(edges[n] for n in chosen)) if chosen else set()
    total = sum(size[n] for n in chosen)
    pool = set(names) - set(chosen)
    while len(chosen) < args.max_files and pool:
        best = max(pool, key=lambda n: (len(edges[n] - covered), -size[n], n))
        if not edges[best] - covered:
            break
        pool.discard(best)
        if total + size[best] > args.max_bytes:
            continue
        chosen.append(best)
        covered |= edges[best]
        total += size[best]

    share = 100.0 * len(covered) / max(1, len(universe))
    print(
        f"{args.target}: {len(names)} -> {len(chosen)} files, {total} bytes, "
        f"edges {len(covered)}/{len(universe)} ({share:.1f}%)"
    )
    if args.apply:
        for n in set(names) - set(chosen):
            os.remove(os.path.join(corpus, n))


if __name__ == "__main__":
    main()
