#!/usr/bin/env python3
"""SIGKILL `citecheck index` at random points of a build, again and again, and check that
nothing is lost or lied about (issue 16, the kill loop).

    scripts/kill-loop.py [--binary target/debug/citecheck] [--articles 2000] [--rounds 30]

A corpus of ARTICLES generated articles (and two source texts) is indexed once in each
of its two states, A and B (B rewrites a few articles), to get the reference results of
a handful of queries. Then each round switches the corpus to the other state, starts
`citecheck index`, kills it (SIGKILL) after a random delay between 0 and 1.2 times a
build's duration (every other round: of an incremental update, which is what switching
states is, see src/index/build.rs), and checks:

- `index --check` tells the truth: fresh (exit 0) exactly when the current generation
  is of the current state, stale (exit 1) when it is still the previous one;
- `--no-refresh search` gives the reference results of the state the check named
  (the previous generation, or the new one when the kill came after the swap);
- the next `index` recovers (exit 0), and leaves exactly one generation, no `.tmp-*`,
  and a marker listing only that generation; a search then gives the new state's
  reference results.

Prints the figures as JSON; exits 1 when any round failed. CI runs a short variant
(`--articles 600 --rounds 12`).
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

WORDS = ("harbour beacon keeper ledger tide lantern cape signal storm pilot charter "
         "customs quay vessel cargo winter summer north south survey board toll").split()
QUERIES = ["beacon keeper", "token17", "zyzzyva", '"the northern cape"', "charter toll",
           "lantern OR quay"]
EDITED = range(0, 2000, 97)


def article(i, state):
    rng = random.Random(i)
    lines = [f"Record {i}", ""]
    for s in range(12):
        words = " ".join(rng.choice(WORDS) for _ in range(10))
        lines.append(f"Entry {i}.{s} of the ledger notes the {words} near the northern cape "
                     f"(token{i}).[1]")
        lines.append("")
    if state == "B" and i in EDITED:
        lines.append(f"A zyzzyva was recorded in entry {i} during the {rng.choice(WORDS)}.[1]")
        lines.append("")
    lines += ["References", "", "1. Harbour Board, Charter of the Harbour Board (1887).", ""]
    return "\n".join(lines)


def write_corpus(root, articles):
    os.makedirs(os.path.join(root, "articles"))
    os.makedirs(os.path.join(root, "sources"))
    with open(os.path.join(root, "corpus.toml"), "w") as f:
        f.write('[[article]]\nfiles = "articles/*.txt"\n\n'
                '[[source]]\nid = "charter"\ntitle = "Charter of the Harbour Board"\n'
                'file = "sources/charter.txt"\n\n'
                '[[source]]\nid = "log"\ntitle = "Keeper log"\nfile = "sources/log.txt"\n')
    rng = random.Random(7)
    for name in ("charter", "log"):
        with open(os.path.join(root, "sources", f"{name}.txt"), "w") as f:
            for p in range(200):
                words = " ".join(rng.choice(WORDS) for _ in range(25))
                f.write(f"Article {p}. The board sets the toll and the {words}.\n\n")
    set_state(root, articles, "A")


def set_state(root, articles, state):
    for i in range(articles):
        if i in EDITED or state == "A" and not os.path.exists(
                os.path.join(root, "articles", f"record-{i:05}.txt")):
            with open(os.path.join(root, "articles", f"record-{i:05}.txt"), "w") as f:
                f.write(article(i, state))


def citecheck(binary, cwd, index, *args, check=False):
    p = subprocess.run([binary, "--quiet", "--color", "never", "--corpus", "corpus",
                        "--index", index, *args], cwd=cwd, capture_output=True, text=True,
                       errors="replace", timeout=600)
    if check and p.returncode != 0:
        raise SystemExit(f"citecheck {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def results(binary, cwd, index):
    out = {}
    for q in QUERIES:
        p = citecheck(binary, cwd, index, "--no-refresh", "search", q, "--limit", "20",
                      "--format", "json")
        if p.returncode not in (0, 1):
            out[q] = ("error", p.returncode, p.stderr.strip())
            continue
        hits = json.loads(p.stdout)["hits"]
        out[q] = [(h["kind"], h["doc"], h["line"], h["snippet"]) for h in hits]
    return out


def entries(index):
    names = sorted(os.listdir(index))
    made = []
    marker = os.path.join(index, "CITECHECK-INDEX")
    if os.path.exists(marker):
        made = [l[5:] for l in open(marker).read().splitlines() if l.startswith("made ")]
    return ([n for n in names if n.startswith("gen-")],
            [n for n in names if n.startswith(".tmp-")], made)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(here, "..", "target", "debug", "citecheck"))
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="citecheck-kill-")
    try:
        return run_loop(binary, work, args, rng)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_loop(binary, work, args, rng):
    root = os.path.join(work, "corpus")
    write_corpus(root, args.articles)
    # The reference results of each state, from a build nothing interrupted.
    reference, build_secs = {}, []
    for state in ("B", "A"):
        set_state(root, args.articles, state)
        ref = os.path.join(work, f"ref-{state}")
        started = time.monotonic()
        citecheck(binary, work, ref, "index", check=True)
        build_secs.append(time.monotonic() - started)
        reference[state] = results(binary, work, ref)
        shutil.rmtree(ref)
    assert reference["A"] != reference["B"], "the two states must search differently"
    build = max(build_secs)
    index = "index"
    citecheck(binary, work, index, "index", check=True)
    # Switching states rewrites a few articles: an incremental update, much shorter than
    # a build, so every other round kills within an update's duration.
    update_secs = []
    for state in ("B", "A"):
        set_state(root, args.articles, state)
        started = time.monotonic()
        citecheck(binary, work, index, "index", check=True)
        update_secs.append(time.monotonic() - started)
    update = max(update_secs)
    built = "A"  # the state the current generation was built from
    figures = {"articles": args.articles, "rounds": args.rounds,
               "reference build s": round(build, 2), "update s": round(update, 2),
               "killed mid-build": 0,
               "finished before the kill": 0, "kill after the swap": 0,
               "wrong searches": 0, "check lies": 0, "failed recoveries": 0,
               "leftovers after recovery": 0}
    failures = []
    for r in range(args.rounds):
        state = "B" if built == "A" else "A"
        set_state(root, args.articles, state)
        delay = rng.uniform(0, 1.2 * (update if r % 2 else build))
        child = subprocess.Popen([binary, "--quiet", "--corpus", "corpus", "--index", index,
                                  "index"], cwd=work, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            child.wait(timeout=delay)
            figures["finished before the kill"] += 1
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
            figures["killed mid-build"] += 1
        problems = []
        check = citecheck(binary, work, index, "index", "--check")
        found = results(binary, work, index)
        now = state if check.returncode == 0 else built
        if check.returncode == 0 and state != built:
            figures["kill after the swap"] += child.returncode != 0
        if check.returncode not in (0, 1):
            problems.append(f"index --check exit {check.returncode}: {check.stderr.strip()}")
        if found != reference[now]:
            other = "B" if now == "A" else "A"
            if found == reference[other]:
                figures["check lies"] += 1
                problems.append(f"index --check exit {check.returncode} but the index is of "
                                f"state {other}")
            else:
                figures["wrong searches"] += 1
                problems.append("search results match no reference: " +
                                ", ".join(q for q in QUERIES if found[q] != reference[now][q]))
        recovery = citecheck(binary, work, index, "index")
        after = citecheck(binary, work, index, "index", "--check")
        if recovery.returncode != 0 or after.returncode != 0 or \
                results(binary, work, index) != reference[state]:
            figures["failed recoveries"] += 1
            problems.append(f"recovery: index exit {recovery.returncode} "
                            f"{recovery.stderr.strip()!r}, check exit {after.returncode}")
        gens, tmps, made = entries(os.path.join(work, index))
        if len(gens) != 1 or tmps or made != gens:
            figures["leftovers after recovery"] += 1
            problems.append(f"left behind: {gens + tmps}, marker lists {made}")
        built = state
        if problems:
            failures.append((r, round(delay, 2), problems))
    for r, delay, problems in failures:
        print(f"round {r} (killed after {delay} s):")
        for p in problems:
            print(f"    {p}")
    print(json.dumps(figures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
