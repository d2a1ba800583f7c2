#!/usr/bin/env python3
"""The Spark job on a real standalone cluster on loopback: a master and two workers, each
worker a separate JVM with its own executor.

    python3 spark/test_cluster.py [--binary target/debug/citecheck] [--keep DIR]

Installs the pinned PySpark (spark/requirements.txt) into target/spark-venv, writes an XML
dump of the 65 wikitext articles of ../shared/corpus/wikitext and 500 wikipedia-2019
articles as JSON Lines, and checks them against the bundled corpus's sources, and asserts:

1. the job's findings are exactly those of one `citecheck check --input jsonl` process on
   the same records, compared as multisets of (rule, article, line, column, message);
2. both executors ran tasks;
3. with the first attempt of one partition failing halfway (--fail-once-partition), the
   job still completes, a task failure was recorded, and the findings are the same, with
   no duplicates.

Without ../shared it prints a notice and exits 0; with CITECHECK_REQUIRE_SHARED=1 it fails
instead. Needs Java 17 and Python 3.9+ (see spark/README.md).
"""

import argparse
import collections
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
sys.path.insert(0, HERE)
import make_inputs  # noqa: E402

WIKIPEDIA_ARTICLES = 500


def log(message):
    print(f"[spark test] {message}", flush=True)


def venv_python():
    """target/spark-venv with the pinned PySpark, created once and reused."""
    venv = os.path.join(ROOT, "target", "spark-venv")
    python = os.path.join(venv, "bin", "python")
    requirements = os.path.join(HERE, "requirements.txt")
    stamp = os.path.join(venv, "requirements.txt")
    wanted = open(requirements).read()
    if not (os.path.exists(stamp) and open(stamp).read() == wanted):
        log("installing the pinned PySpark into target/spark-venv")
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", requirements], check=True)
        with open(stamp, "w") as f:
            f.write(wanted)
    return python


def spark_env():
    """The venv's Python, its SPARK_HOME, and the environment every Spark process gets."""
    python = venv_python()
    spark_home = subprocess.run(
        [python, "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    env = dict(os.environ, SPARK_HOME=spark_home, PYSPARK_PYTHON=python,
               PYSPARK_DRIVER_PYTHON=python, SPARK_LOCAL_IP="127.0.0.1")
    return python, spark_home, env


def sources_corpus(binary, work):
    """The sources every run checks against: a copy of the bundled corpus in `work`, its
    index built once where the job looks for it (CORPUS/index; without --index it went to
    the working directory's index/) and opened as it is, with --no-refresh."""
    corpus = os.path.join(work, "sources-corpus")
    shutil.copytree(os.path.join(ROOT, "corpus"), corpus, dirs_exist_ok=True)
    subprocess.run([binary, "--quiet", "--corpus", corpus, "--index", os.path.join(corpus, "index"),
                    "index"], check=True)
    return corpus


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


class Cluster:
    """A standalone master and (by default two) one-core workers on 127.0.0.1."""

    def __init__(self, spark_home, env, work, workers=2):
        self.env = env
        self.procs = []
        self.port, self.ui = free_port(), free_port()
        spark_class = os.path.join(spark_home, "bin", "spark-class")
        self.url = f"spark://127.0.0.1:{self.port}"
        os.makedirs(work, exist_ok=True)
        self.start(work, "master", [spark_class, "org.apache.spark.deploy.master.Master",
                                    "--host", "127.0.0.1", "--port", str(self.port),
                                    "--webui-port", str(self.ui)])
        self.wait(lambda s: True, "master")
        os.makedirs(work, exist_ok=True)
        for n in range(1, workers + 1):
            worker_dir = os.path.join(work, f"worker{n}")
            os.makedirs(worker_dir)
            self.start(work, f"worker{n}", [spark_class, "org.apache.spark.deploy.worker.Worker",
                                            "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                                            "--webui-port", str(free_port()), "--work-dir", worker_dir,
                                            self.url])
        self.wait(lambda s: sum(w["state"] == "ALIVE" for w in s["workers"]) == workers,
                  f"{workers} worker(s)")

    def start(self, work, name, argv):
        out = open(os.path.join(work, f"{name}.log"), "w")
        self.procs.append(subprocess.Popen(argv, env=self.env, stdout=out, stderr=subprocess.STDOUT))

    def wait(self, ready, what, seconds=180):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if ready(fetch_json(f"http://127.0.0.1:{self.ui}/json/")):
                    log(f"{what} up")
                    return
            except (OSError, ValueError):
                pass
            time.sleep(1)
        raise SystemExit(f"spark test: {what} did not start within {seconds} s")

    def stop(self):
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def finding_keys(findings):
    return collections.Counter(
        (f["rule"], f["article"], f["line"], f["column"], f["message"]) for f in findings
    )


def single_process(binary, corpus, records):
    """Findings of one citecheck process reading every record in input order."""
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    run = subprocess.run(
        [binary, "--quiet", "--corpus", corpus, "--no-refresh", "check", "--input", "jsonl",
         "--format", "jsonl", "-"],
        input=data, capture_output=True,
    )
    if run.returncode not in (0, 1):
        raise SystemExit(f"spark test: single-process check failed ({run.returncode}): {run.stderr.decode()}")
    lines = [json.loads(line) for line in run.stdout.decode("utf-8").splitlines() if line]
    return [r for r in lines if r["type"] == "finding"], [r for r in lines if r["type"] == "article"]


def job_findings(out):
    findings = []
    root = os.path.join(out, "findings")
    for dirpath, _, files in os.walk(root):
        rule = os.path.basename(dirpath).partition("rule=")[2]
        for name in sorted(files):
            if name.endswith(".json"):
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    for line in f:
                        record = json.loads(line)
                        record["rule"] = rule
                        findings.append(record)
    return findings


def run_job(python, spark_home, env, cluster, binary, corpus, inputs, out, extra):
    argv = [os.path.join(spark_home, "bin", "spark-submit"), "--master", cluster.url,
            "--conf", "spark.ui.port=" + str(free_port()),
            "--conf", "spark.ui.showConsoleProgress=false",
            "--conf", "spark.executor.memory=700m",
            "--conf", "spark.task.maxFailures=4",
            os.path.join(HERE, "citecheck_job.py"),
            "--binary", binary, "--corpus", corpus, "--output", out,
            "--output-format", "jsonl", "--partitions", "4"]
    for path in inputs:
        argv += ["--input", path]
    argv += extra
    started = time.time()
    run = subprocess.run(argv, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr[-6000:])
        raise SystemExit(f"spark test: the job failed ({run.returncode})")
    log(f"job {' '.join(extra) or '(no fault)'} took {time.time() - started:.1f} s")
    return json.loads(run.stdout[run.stdout.index("{"):])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "citecheck"))
    p.add_argument("--keep", help="work in this directory and leave it (default: a temporary one)")
    args = p.parse_args()

    if not os.path.isdir(SHARED):
        if os.environ.get("CITECHECK_REQUIRE_SHARED") == "1":
            raise SystemExit(f"spark test: {SHARED} is missing and CITECHECK_REQUIRE_SHARED=1")
        log(f"skipped: {SHARED} is missing (it holds the test articles)")
        return 0
    binary = os.path.abspath(args.binary)
    if not os.path.exists(binary):
        log("building the citecheck binary")
        subprocess.run(["cargo", "build", "--quiet"], cwd=ROOT, check=True)

    python, spark_home, env = spark_env()

    work = args.keep or tempfile.mkdtemp(prefix="citecheck-spark-")
    os.makedirs(work, exist_ok=True)
    cluster = None
    try:
        # Inputs: an XML dump (bz2, as dumps come) and a JSON Lines table.
        dump = os.path.join(work, "pages-articles.xml.bz2")
        make_inputs.write_dump(make_inputs.dump_pages(os.path.join(SHARED, "corpus", "wikitext")), dump)
        table = os.path.join(work, "wikipedia-2019.jsonl")
        articles_dir = os.path.join(SHARED, "corpus", "wikipedia-2019", "articles")
        jsonl = list(make_inputs.jsonl_records(articles_dir, WIKIPEDIA_ARTICLES))
        with open(table, "w", encoding="utf-8") as f:
            for r in jsonl:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        # One bad record: it must come back as an error row, and the rest be checked.
        with open(table, "a", encoding="utf-8") as f:
            f.write(json.dumps({"id": "not-a-format", "format": "docx", "text": "x"}) + "\n")

        # Sources: the bundled corpus, with its index built once and shipped as it is.
        corpus = sources_corpus(binary, work)

        records = make_inputs.read_dump(dump) + jsonl + [
            {"id": "not-a-format", "format": "docx", "text": "x"}
        ]
        log(f"{len(records)} records: {len(records) - len(jsonl) - 1} from the dump, {len(jsonl)} from JSON Lines, 1 bad")
        expected, expected_articles = single_process(binary, corpus, records)
        assert len(expected_articles) == len(records) - 1, (len(expected_articles), len(records))
        assert expected, "the single-process run found nothing: the comparison would prove nothing"
        log(f"single process: {len(expected)} findings on {len(expected_articles)} articles")

        cluster = Cluster(spark_home, env, work)
        failures = []
        for name, extra in [("plain", []), ("fault", ["--fail-once-partition", "1"])]:
            out = os.path.join(work, f"out-{name}")
            summary = run_job(python, spark_home, env, cluster, binary, corpus, [dump, table], out, extra)
            found = job_findings(out)
            got, want = finding_keys(found), finding_keys(expected)
            if got != want:
                failures.append(
                    f"{name}: findings differ: {sum((got - want).values())} extra, "
                    f"{sum((want - got).values())} missing; e.g. extra {list((got - want))[:3]}, "
                    f"missing {list((want - got))[:3]}"
                )
            if len(found) != len(expected):
                failures.append(f"{name}: {len(found)} findings, single process {len(expected)}")
            if summary["articles"] != len(expected_articles):
                failures.append(f"{name}: {summary['articles']} articles, expected {len(expected_articles)}")
            if summary["unreadable_records"] != 1:
                failures.append(f"{name}: {summary['unreadable_records']} error rows, expected 1")
            executors = summary["executors"] or {}
            busy = sorted(e for e, v in executors.items() if v["tasks"] > 0)
            log(f"{name}: {len(found)} findings, executors with tasks: {busy} "
                f"(tasks by executor: {executors}; partitions by executor: {summary['tasks_by_executor']})")
            if len(busy) < 2:
                failures.append(f"{name}: only executors {busy} ran tasks")
            if name == "fault" and sum(v["failed"] for v in executors.values()) < 1:
                failures.append("fault: no task failed, so the retry was not exercised")
        if failures:
            raise SystemExit("spark test FAILED:\n  " + "\n  ".join(failures))
        log("ok: Spark findings equal the single process's, with and without a failed task")
        return 0
    finally:
        if cluster:
            cluster.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
