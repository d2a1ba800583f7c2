#!/usr/bin/env python3
"""Throughput of the Spark job against its baseline, one `citecheck check --input jsonl`
process on the same records, in one invocation (see docs/scale.md).

    python3 benches/spark_job.py [--binary target/release/citecheck] [--articles N]

Rows: the single process (the baseline), the job on a standalone cluster with one and
with two one-core executors, and the job on one article (its fixed overhead). Each is
reported in articles/s and as a ratio to the baseline. Needs ../shared (the wikipedia-2019
articles) and what spark/test_cluster.py needs.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "spark"))
import make_inputs  # noqa: E402
import test_cluster  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "citecheck"))
    p.add_argument("--articles", type=int, default=9069)
    args = p.parse_args()
    binary = os.path.abspath(args.binary)
    articles = os.path.join(test_cluster.SHARED, "corpus", "wikipedia-2019", "articles")
    if not os.path.isdir(articles):
        raise SystemExit(f"needs {articles}")
    python, spark_home, env = test_cluster.spark_env()
    work = tempfile.mkdtemp(prefix="citecheck-spark-bench-")
    rows = []
    try:
        records = list(make_inputs.jsonl_records(articles, args.articles))
        table = os.path.join(work, "articles.jsonl")
        one = os.path.join(work, "one.jsonl")
        with open(table, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        with open(one, "w", encoding="utf-8") as f:
            f.write(json.dumps(records[0], ensure_ascii=False) + "\n")
        corpus = test_cluster.sources_corpus(binary, work)

        started = time.time()
        test_cluster.single_process(binary, corpus, records)
        base = time.time() - started
        rows.append(("single process (baseline)", len(records), base))

        for executors in (1, 2):
            cluster = test_cluster.Cluster(spark_home, env, os.path.join(work, f"c{executors}"),
                                           workers=executors)
            try:
                for name, path, n in ([("job, %d executor%s" % (executors, "s" if executors > 1 else ""),
                                        table, len(records))]
                                      + ([("job on 1 article (fixed overhead)", one, 1)] if executors == 2 else [])):
                    started = time.time()
                    test_cluster.run_job(python, spark_home, env, cluster, binary, corpus, [path],
                                         os.path.join(work, f"out-{executors}-{n}"),
                                         ["--partitions", str(2 * executors)])
                    rows.append((name, n, time.time() - started))
            finally:
                cluster.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{'run':40} {'articles':>8} {'seconds':>8} {'articles/s':>11} {'vs baseline':>12}")
    for name, n, seconds in rows:
        rate = n / seconds
        print(f"{name:40} {n:8} {seconds:8.1f} {rate:11.0f} {rate / (rows[0][1] / rows[0][2]):11.2f}x")


if __name__ == "__main__":
    main()
