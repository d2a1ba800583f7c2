#!/usr/bin/env python3
"""Counts by rule, the share of uncited-claim findings that are list items or four words
or fewer, and footnote markers per file, for a manifest-less directory of articles
(issue 13's before/after measure on the wikipedia-2019 sample).

    scripts/claims-stats.py BINARY DIR OUT.json [--compare BEFORE.json]

OUT.json keeps the figures (and the marker count of every file) so that a later run can
be compared with it: every file that lost markers is listed.
"""
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|#)\s+")


def markers(binary, path):
    run = subprocess.run([binary, "--quiet", "parse", path, "--format", "json"], capture_output=True)
    if run.returncode != 0:
        return -1
    return len(json.loads(run.stdout)["markers"])


def main(argv):
    binary, directory, out = argv[:3]
    before = None
    if "--compare" in argv:
        before = json.load(open(argv[argv.index("--compare") + 1]))
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(
            [binary, "--quiet", "--corpus", directory, "--index", os.path.join(tmp, "idx"),
             "check", "--format", "json"],
            capture_output=True,
        )
    report = json.loads(run.stdout)
    by_rule = collections.Counter(f["rule"] for f in report["findings"])
    uncited = [f for f in report["findings"] if f["rule"] == "uncited-claim"]
    lines = {}
    list_items = short = 0
    for f in uncited:
        if f["file"] not in lines:
            with open(f["file"], encoding="utf-8", errors="replace") as fh:
                lines[f["file"]] = fh.read().split("\n")
        line = lines[f["file"]][f["line"] - 1]
        if LIST_ITEM.match(line):
            list_items += 1
        if len(f["sentence"].split()) <= 4:
            short += 1
    names = sorted(n for n in os.listdir(directory) if not n.startswith("."))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        counts = dict(zip(names, pool.map(lambda n: markers(binary, os.path.join(directory, n)), names)))
    figures = {
        "by_rule": dict(sorted(by_rule.items())),
        "uncited_claims": len(uncited),
        "list_item_share": round(list_items / max(len(uncited), 1), 4),
        "at_most_four_words_share": round(short / max(len(uncited), 1), 4),
        "markers": sum(v for v in counts.values() if v > 0),
        "summary": report["summary"],
        "markers_per_file": counts,
    }
    json.dump(figures, open(out, "w"), indent=1, sort_keys=True)
    shown = {k: v for k, v in figures.items() if k != "markers_per_file"}
    print(json.dumps(shown, indent=1, sort_keys=True))
    if before:
        lost = {n: (before["markers_per_file"].get(n), c) for n, c in counts.items()
                if c < before["markers_per_file"].get(n, 0)}
        print(f"files that lost markers: {len(lost)}")
        for n, (b, a) in sorted(lost.items()):
            print(f"  {n}: {b} -> {a}")


if __name__ == "__main__":
    main(sys.argv[1:])
