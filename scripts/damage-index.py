#!/usr/bin/env python3
"""Damage every file of a small built index in every way, and check what citecheck makes
of it (issue 16 §8). The long version of tests/safety.rs's damaged-index test.

    scripts/damage-index.py [--binary target/debug/citecheck] [--corpus DIR] [--random N]

For every non-empty file of the index directory (the marker, CURRENT, and every file of
the current generation: tantivy's segment files, meta.json, .managed.json, the build
record citecheck-index.json, citecheck-files.tsv, citecheck-listings.json) it applies
each damage (a byte flipped at the start, the quarters, the end and N random offsets;
16 bytes zeroed at the start, middle and end; the whole file zeroed; truncated to 0, to
half and by one byte; deleted) to a fresh copy of the pristine index, and then:

1. `index --check`: a "fresh" (exit 0) is a LIE when any search below is not right;
2. `--no-refresh search` and `search` of each query: RIGHT (the reference hits), a
   CLEAR error (exit 2, one message, no panic or debug string), or WRONG / PANIC / RAW;
3. `index`, then `index --check` must say fresh, every search must give the reference
   hits, and exactly one generation may be left (no `.tmp-*`): else NOT REPAIRED.

Prints the figures and every failing case; exits 1 when any case failed.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

QUERIES = ["lighthouse", "harbour board", "keeper", '"north of Karrow"', "zzzznotaword"]
# A raw Rust debug string (`Os { code: 13, … }`, `IoError(…)`) or a panic is not a message.
RAW = re.compile(r"panicked|RUST_BACKTRACE|\b[A-Z]\w*\((?:\w+\s*\{|\")|\w+ \{ \w+: ")


def run(binary, cwd, *args):
    p = subprocess.run([binary, "--color", "never", "--corpus", "corpus", "--index", "index", *args],
                       cwd=cwd, capture_output=True, text=True, errors="replace", timeout=120)
    return p.returncode, p.stdout, p.stderr


def hits(out):
    try:
        return [(h["kind"], h["doc"], h["line"], h["snippet"]) for h in json.loads(out)["hits"]]
    except (ValueError, KeyError):
        return None


def search(binary, cwd, query, no_refresh):
    args = (["--no-refresh"] if no_refresh else []) + ["search", query, "--format", "json"]
    code, out, err = run(binary, cwd, *args)
    return code, hits(out) if code in (0, 1) else None, err


def judge(result, reference):
    """RIGHT, CLEAR, WRONG, PANIC or RAW."""
    code, found, err = result
    if "panicked" in err or code not in (0, 1, 2):
        return "PANIC"
    if code == 2:
        lines = [l for l in err.strip().splitlines() if l.strip()]
        return "RAW" if RAW.search(err) or not lines else "CLEAR"
    return "RIGHT" if (code, found) == reference else "WRONG"


def damages(size, rng, randoms):
    offsets = {0, 1, size // 4, size // 2, 3 * size // 4, max(size - 9, 0), size - 1}
    offsets |= {rng.randrange(size) for _ in range(randoms)}
    for at in sorted(o for o in offsets if 0 <= o < size):
        yield f"flip@{at}", ("flip", at)
    for at in sorted({0, max(size // 2 - 8, 0), max(size - 16, 0)}):
        yield f"zero16@{at}", ("zero", at, 16)
    yield "zero-all", ("zero", 0, size)
    for to in sorted({0, size // 2, size - 1}):
        yield f"truncate@{to}", ("truncate", to)
    yield "delete", ("delete",)


def apply(path, damage, keep_mtime):
    """Damage the file at `path`; with `keep_mtime`, as bit rot would: in place, its
    modification time unchanged."""
    if damage[0] == "delete":
        os.remove(path)
        return
    data = bytearray(open(path, "rb").read())
    if damage[0] == "flip":
        data[damage[1]] ^= 0xFF
    elif damage[0] == "zero":
        at, n = damage[1], damage[2]
        data[at:at + n] = bytes(len(data[at:at + n]))
    elif damage[0] == "truncate":
        data = data[:damage[1]]
    before = os.stat(path)
    with open(path, "wb") as f:
        f.write(data)
    if keep_mtime:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def leftovers(index):
    names = os.listdir(index)
    gens = [n for n in names if n.startswith("gen-")]
    tmps = [n for n in names if n.startswith(".tmp-")]
    return len(gens) != 1 or tmps, gens + tmps


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(here, "..", "target", "debug", "citecheck"))
    ap.add_argument("--corpus", default=os.path.join(here, "..", "tests", "fixtures", "search-corpus"))
    ap.add_argument("--random", type=int, default=6, help="random flip offsets per file")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--mode", choices=["write", "rot", "both"], default="both",
                    help="damage by writing the file, as bit rot (mtime kept), or both")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="citecheck-damage-")
    ws = os.path.join(work, "ws")
    shutil.copytree(args.corpus, os.path.join(ws, "corpus"))
    code, _, err = run(binary, ws, "index")
    assert code == 0, err
    pristine = os.path.join(work, "pristine")
    shutil.copytree(os.path.join(ws, "index"), pristine, symlinks=True)
    reference = {}
    for q in QUERIES:
        code, found, err = search(binary, ws, q, True)
        assert code in (0, 1), err
        reference[q] = (code, found)
    victims = []
    for root, _, files in os.walk(pristine):
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.getsize(path) > 0:
                victims.append(os.path.relpath(path, pristine))
    victims.sort()
    counts = {k: 0 for k in ["cases", "all right", "clear error", "lie", "wrong", "panic",
                             "raw", "check failed", "not repaired", "left behind", "--no-refresh right",
                             "--no-refresh clear error", "search right (refreshing)",
                             "search clear error (refreshing)"]}
    failures = []
    for rel in victims:
        size = os.path.getsize(os.path.join(pristine, rel))
        modes = {"write": [False], "rot": [True], "both": [False, True]}[args.mode]
        for (label, damage), keep_mtime in [(d, k) for d in damages(size, rng, args.random)
                                            for k in modes]:
            if keep_mtime:
                if damage[0] == "delete":
                    continue
                label += " (mtime kept)"
            counts["cases"] += 1
            index = os.path.join(ws, "index")
            shutil.rmtree(index)
            shutil.copytree(pristine, index, symlinks=True)
            apply(os.path.join(index, rel), damage, keep_mtime)
            check = run(binary, ws, "index", "--check")
            verdicts = []
            for no_refresh in (True, False):
                for q in QUERIES:
                    v = judge(search(binary, ws, q, no_refresh), reference[q])
                    verdicts.append((("--no-refresh " if no_refresh else "") + q, v))
            kinds = {v for _, v in verdicts}
            for prefix, key in [(True, "--no-refresh"), (False, "search")]:
                mine = {v for q, v in verdicts if q.startswith("--no-refresh ") == prefix}
                suffix = "" if prefix else " (refreshing)"
                if mine == {"RIGHT"}:
                    counts[f"{key} right{suffix}"] += 1
                elif mine <= {"RIGHT", "CLEAR"}:
                    counts[f"{key} clear error{suffix}"] += 1
            problems = []
            if kinds == {"RIGHT"}:
                counts["all right"] += 1
            elif kinds <= {"RIGHT", "CLEAR"}:
                counts["clear error"] += 1
            for bad, key in [("WRONG", "wrong"), ("PANIC", "panic"), ("RAW", "raw")]:
                if bad in kinds:
                    counts[key] += 1
                    problems.append(f"{bad}: " + ", ".join(q for q, v in verdicts if v == bad))
            if check[0] not in (0, 1):
                counts["check failed"] += 1
                problems.append(f"index --check exit {check[0]}: {check[2].strip()!r}")
            if check[0] == 0 and kinds != {"RIGHT"}:
                counts["lie"] += 1
                problems.append("index --check said fresh")
            # The next `index` repairs it.
            rebuild = run(binary, ws, "index")
            after = run(binary, ws, "index", "--check")
            wrong_after = [q for q in QUERIES
                           if judge(search(binary, ws, q, True), reference[q]) != "RIGHT"]
            if rebuild[0] != 0 or after[0] != 0 or wrong_after:
                counts["not repaired"] += 1
                problems.append(f"not repaired: index exit {rebuild[0]} {rebuild[2].strip()!r}, "
                                f"check exit {after[0]}, wrong after: {wrong_after}")
            bad_left, names = leftovers(index)
            if bad_left:
                counts["left behind"] += 1
                problems.append(f"left behind: {names}")
            if problems:
                failures.append((rel, label, check[1].strip() + check[2].strip(), problems))
    shutil.rmtree(work)
    for rel, label, check, problems in failures:
        print(f"{rel} {label}: check said {check!r}")
        for p in problems:
            print(f"    {p}")
    print(json.dumps(counts))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
