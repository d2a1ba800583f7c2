#!/usr/bin/env python3
"""Peak memory of the streaming batch mode against the size of its input, in one
invocation (see docs/scale.md).

    python3 benches/batch_memory.py [--binary target/release/citecheck] [--copies 4]

Feeds `citecheck check --input jsonl --format jsonl -` the 9,069 wikipedia-2019 articles
(the baseline), then the same articles K times over under new ids, and reports each run's
peak resident memory (the kernel's own figure for the process, from wait4), its wall time,
and the ratio to the baseline. Memory that is independent of the number of records gives a
ratio near 1.0; the issue asks for at most 1.5 at K = 4. Stdout is counted, not kept, so the
figure is citecheck's alone. Needs ../shared.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "spark"))
import make_inputs  # noqa: E402
import test_cluster  # noqa: E402


def run(binary, corpus, records_file):
    """(peak RSS in MiB, seconds, output lines) of one batch run reading records_file."""
    argv = [binary, "--quiet", "--corpus", corpus, "--no-refresh",
            "check", "--input", "jsonl", "--format", "jsonl", "-"]
    started = time.time()
    with open(records_file, "rb") as stdin:
        child = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        lines = 0
        errors = []
        reader = threading.Thread(target=lambda: errors.append(child.stderr.read()))
        reader.start()
        for _ in child.stdout:
            lines += 1
        _, status, usage = os.wait4(child.pid, 0)
        reader.join()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"citecheck exited {code}: {errors[0].decode(errors='replace')}")
    # ru_maxrss is in KiB on Linux.
    return usage.ru_maxrss / 1024, time.time() - started, lines


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "citecheck"))
    p.add_argument("--copies", type=int, default=4)
    args = p.parse_args()
    binary = os.path.abspath(args.binary)
    articles = os.path.join(test_cluster.SHARED, "corpus", "wikipedia-2019", "articles")
    if not os.path.isdir(articles):
        raise SystemExit(f"needs {articles}")
    work = tempfile.mkdtemp(prefix="citecheck-batch-memory-")
    try:
        corpus = test_cluster.sources_corpus(binary, work)
        rows = []
        for copies in (1, args.copies):
            path = os.path.join(work, f"records-{copies}.jsonl")
            count = 0
            with open(path, "w", encoding="utf-8") as f:
                for r in make_inputs.jsonl_records(articles, None, copies):
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
                    count += 1
            peak, seconds, lines = run(binary, corpus, path)
            rows.append((count, os.path.getsize(path), peak, seconds, lines))
            os.remove(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    base = rows[0][2]
    print(f"{'records':>8} {'input MB':>9} {'output lines':>13} {'seconds':>8} "
          f"{'peak RSS MiB':>13} {'vs baseline':>12}")
    for n, size, peak, seconds, lines in rows:
        print(f"{n:8} {size / 1e6:9.1f} {lines:13} {seconds:8.1f} {peak:13.1f} {peak / base:11.2f}x")


if __name__ == "__main__":
    main()
