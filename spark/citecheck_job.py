#!/usr/bin/env python3
"""Check a whole encyclopedia with citecheck on Apache Spark.

Input: MediaWiki XML dumps (``pages-articles*.xml`` or ``.xml.bz2``; main namespace only,
redirects skipped) and/or tables of article records (JSON Lines or Parquet with ``id``,
``title``, ``text`` and optional ``format`` and ``path`` columns).

Each partition starts the citecheck binary once (``check --input jsonl -``) and streams its
records through it; the binary reads the sources from a corpus directory with a prebuilt
index, opened as it is (``--no-refresh``). Output, under ``--output``:

- ``findings/``: one row per finding, partitioned by ``rule`` (Parquet or JSON Lines);
- ``articles/``: one row per article with its sentence and claim counts;
- ``errors/``: input records citecheck could not read (bad format, binary text);
- ``summary/``: findings by rule and severity;
- ``summary.json``: totals, findings by rule and severity, and the executors that ran
  tasks (also printed on stdout).

Every table is written with overwrite semantics through Spark's output committer, so a
retried or speculative task never duplicates a finding. See spark/README.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request

# Corpus-wide findings (a linked work with no text) are made once per stream, for the
# first article that cites the work. Each partition is its own stream, so the job keeps,
# per (rule, subject), the one whose article comes first in the input: the finding a
# single process would have made.
CORPUS_WIDE_KEY = ("rule", "subject")

FINDING_FIELDS = [
    ("rule", "string"),
    ("severity", "string"),
    ("article", "string"),
    ("file", "string"),
    ("line", "long"),
    ("column", "long"),
    ("end_column", "long"),
    ("message", "string"),
    ("footnote", "string"),
    ("source", "string"),
    ("sentence", "string"),
    ("subject", "string"),
    ("help", "string"),
    ("notes", "array<string>"),
]
ARTICLE_FIELDS = [
    ("article", "string"),
    ("file", "string"),
    ("findings", "long"),
    ("sentences", "long"),
    ("claims", "long"),
    ("cited", "long"),
    ("implicit", "long"),
    ("uncited", "long"),
    ("verified", "long"),
    ("unsupported", "long"),
    ("unverifiable", "long"),
]
ERROR_FIELDS = [("article", "string"), ("line", "long"), ("message", "string")]


def parse_args(argv):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Example: spark-submit spark/citecheck_job.py --input enwiki-pages-articles1.xml.bz2 "
        "--binary target/release/citecheck --corpus corpus --output out/ --partitions 64",
    )
    p.add_argument(
        "--input",
        action="append",
        required=True,
        metavar="PATH",
        help="an XML dump (.xml, .xml.bz2), JSON Lines (.jsonl, .json, optionally .bz2/.gz) "
        "or Parquet (.parquet or a directory) of article records; repeatable",
    )
    p.add_argument(
        "--input-format",
        choices=["auto", "xml", "jsonl", "parquet"],
        default="auto",
        help="how to read every --input (default: by file name)",
    )
    p.add_argument("--binary", required=True, help="the citecheck binary (built for the executors' platform)")
    p.add_argument(
        "--corpus",
        required=True,
        help="corpus directory whose [[source]]s the articles are checked against, with a "
        "prebuilt index (citecheck --corpus DIR index)",
    )
    p.add_argument("--index", help="the corpus's index directory (default: CORPUS/index)")
    p.add_argument(
        "--shared-fs",
        action="store_true",
        help="--binary and --corpus are on a filesystem every executor sees at the same path; "
        "otherwise both are shipped to the executors with the job",
    )
    p.add_argument("--output", required=True, help="output directory (its tables are overwritten)")
    p.add_argument("--output-format", choices=["parquet", "jsonl"], default="parquet")
    p.add_argument(
        "--partitions",
        type=int,
        default=0,
        help="partitions to check in (each starts the binary once); default: the cluster's "
        "default parallelism",
    )
    p.add_argument("--master", help="Spark master URL (default: what spark-submit gives)")
    p.add_argument(
        "--fail-once-partition",
        type=int,
        metavar="K",
        help="testing: the first attempt of partition K fails halfway, to show that the retry "
        "gives the same findings and no duplicates",
    )
    return p.parse_args(argv)


def input_kind(path, forced):
    if forced != "auto":
        return forced
    name = path.lower().rstrip("/")
    for suffix in (".bz2", ".gz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith(".xml"):
        return "xml"
    if name.endswith(".jsonl") or name.endswith(".json") or name.endswith(".ndjson"):
        return "jsonl"
    if name.endswith(".parquet") or os.path.isdir(path):
        return "parquet"
    raise SystemExit(f"citecheck_job: cannot tell what {path} holds; give --input-format")


def read_records(spark, paths, forced):
    """Every input as one DataFrame of (id, title, format, text, path), in input order."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    frames = []
    for path in paths:
        kind = input_kind(path, forced)
        if kind == "xml":
            # Only the fields used: schema inference would read the whole dump twice.
            schema = T.StructType(
                [
                    T.StructField("title", T.StringType()),
                    T.StructField("ns", T.LongType()),
                    T.StructField("id", T.LongType()),
                    T.StructField("redirect", T.StructType([T.StructField("_title", T.StringType())])),
                    T.StructField(
                        "revision",
                        T.StructType(
                            [
                                T.StructField(
                                    "text",
                                    T.StructType([T.StructField("_VALUE", T.StringType())]),
                                )
                            ]
                        ),
                    ),
                ]
            )
            pages = (
                spark.read.format("xml")
                .option("rowTag", "page")
                # Leading blank lines are part of the page: line numbers must match.
                .option("ignoreSurroundingSpaces", "false")
                .schema(schema)
                .load(path)
            )
            frame = pages.where((F.col("ns") == 0) & F.col("redirect").isNull()).select(
                F.regexp_replace("title", " ", "_").alias("id"),
                F.col("title"),
                F.lit("wikitext").alias("format"),
                F.coalesce(F.col("revision.text._VALUE"), F.lit("")).alias("text"),
                F.lit(None).cast("string").alias("path"),
            )
        else:
            table = (
                spark.read.parquet(path)
                if kind == "parquet"
                else spark.read.schema(
                    "id string, title string, format string, text string, path string"
                ).json(path)
            )
            cols = set(table.columns)
            missing = {"id", "text"} - cols
            if missing:
                raise SystemExit(f"citecheck_job: {path} has no column {', '.join(sorted(missing))}")

            def column(name, default):
                return F.col(name).cast("string") if name in cols else F.lit(default).cast("string")

            frame = table.select(
                F.col("id").cast("string").alias("id"),
                column("title", None).alias("title"),
                column("format", "auto").alias("format"),
                F.col("text").cast("string").alias("text"),
                column("path", None).alias("path"),
            )
        frames.append(frame.withColumn("input", F.lit(len(frames))))
    records = frames[0]
    for frame in frames[1:]:
        records = records.unionByName(frame)
    # Input order: input file, then position within it (monotonically increasing within
    # the reading partitions, which follow the file).
    return records.withColumn("seq", F.monotonically_increasing_id())


def executor_id():
    """The executor this Python worker serves (standalone and YARN put it in the log URL)."""
    url = os.environ.get("SPARK_LOG_URL_STDERR", "")
    for part in url.split("?")[-1].split("&"):
        if part.startswith("executorId="):
            return part.split("=", 1)[1]
    return os.path.basename(os.getcwd())


def check_partition(binary, corpus, index, fail_once):
    """mapPartitions: stream a partition's records through one citecheck process."""

    def run(rows):
        from pyspark import SparkFiles, TaskContext

        ctx = TaskContext.get()
        partition, attempt = ctx.partitionId(), ctx.attemptNumber()
        exe = resolve(binary, SparkFiles)
        corpus_dir = resolve(corpus, SparkFiles)
        index_dir = resolve(index, SparkFiles) if index else os.path.join(corpus_dir, "index")
        executor = executor_id()
        stderr = tempfile.TemporaryFile()
        proc = subprocess.Popen(
            [exe, "--quiet", "--corpus", corpus_dir, "--index", index_dir, "--no-refresh",
             "check", "--input", "jsonl", "--format", "jsonl", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        seq_of = {}
        fed = [0]
        feed_error = []

        def feed():
            try:
                for row in rows:
                    seq_of[row["id"]] = row["seq"]
                    record = {"id": row["id"], "title": row["title"], "format": row["format"], "text": row["text"]}
                    if row["path"]:
                        record["path"] = row["path"]
                    proc.stdin.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
                    fed[0] += 1
            except BrokenPipeError:
                pass
            except Exception as e:  # reported below, after the process ends
                feed_error.append(e)
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()

        def out(kind, line, corpus_wide=False, seq=None):
            return (kind, seq, partition, attempt, executor, corpus_wide, line)

        pending = []  # findings since the last article record: the corpus-wide ones at the end
        produced = 0
        for raw in proc.stdout:
            line = raw.decode("utf-8").rstrip("\n")
            if not line:
                continue
            record = json.loads(line)
            kind = record.get("type")
            if kind == "finding":
                pending.append((record.get("article"), line))
            elif kind == "article":
                seq = seq_of.get(record["article"])
                for article, finding in pending:
                    yield out("finding", finding, seq=seq_of.get(article, seq))
                pending = []
                yield out("article", line, seq=seq)
                produced += 1
                if fail_once is not None and partition == fail_once and attempt == 0 and produced * 2 >= max(fed[0], 2):
                    proc.kill()
                    raise RuntimeError(
                        f"injected failure: first attempt of partition {partition} (--fail-once-partition)"
                    )
            elif kind == "error":
                yield out("error", line, seq=seq_of.get(record.get("article")))
            # The stream's own summary is the partition's: the job sums the article records.
        for article, finding in pending:
            yield out("finding", finding, corpus_wide=True, seq=seq_of.get(article))
        feeder.join()
        code = proc.wait()
        if feed_error:
            raise feed_error[0]
        if code not in (0, 1):  # 1: deny-level findings, which are results
            stderr.seek(0)
            message = stderr.read().decode("utf-8", "replace").strip()
            raise RuntimeError(f"citecheck exited with {code} on partition {partition}: {message}")

    return run


def resolve(path, spark_files):
    """A path given on the command line, or its shipped copy on this executor."""
    if path.startswith("shipped:"):
        return spark_files.get(path[len("shipped:"):])
    return path


def ship(spark, path):
    """Send a file or directory to every executor; returns the name to resolve there.

    A directory goes as a .tar.gz archive, unpacked on each executor (Spark ships
    directories only in local mode)."""
    path = os.path.abspath(path).rstrip("/")
    if os.path.isdir(path):
        staging = tempfile.mkdtemp(prefix="citecheck-ship-")
        archive = shutil.make_archive(os.path.join(staging, os.path.basename(path)), "gztar", root_dir=path)
        spark.sparkContext.addArchive(archive)
        return "shipped:" + os.path.basename(archive)
    spark.sparkContext.addFile(path)
    return "shipped:" + os.path.basename(path)


def parsed(frame, fields):
    from pyspark.sql import functions as F

    schema = ", ".join(f"`{name}` {kind}" for name, kind in fields)
    return frame.select("seq", "corpus_wide", F.from_json("line", schema).alias("r")).select(
        "seq", "corpus_wide", *[F.col("r")[name].alias(name) for name, _ in fields]
    )


def write(frame, path, fmt, partition_by=None):
    writer = frame.write.mode("overwrite")
    if partition_by:
        writer = writer.partitionBy(partition_by)
    if fmt == "parquet":
        writer.parquet(path)
    else:
        writer.json(path)


def executors_seen(spark):
    """Executors that ran tasks, from the driver's status API (absent when the UI is off)."""
    sc = spark.sparkContext
    url = sc.uiWebUrl
    if not url:
        return None
    try:
        with urllib.request.urlopen(f"{url}/api/v1/applications/{sc.applicationId}/allexecutors", timeout=10) as r:
            data = json.load(r)
    except OSError:
        return None
    return {
        e["id"]: {"tasks": e["totalTasks"], "failed": e["failedTasks"]}
        for e in data
        if e["id"] != "driver"
    }


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import SparkSession
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    builder = SparkSession.builder.appName("citecheck")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext

    if args.shared_fs:
        binary, corpus, index = os.path.abspath(args.binary), os.path.abspath(args.corpus), args.index
        index = os.path.abspath(index) if index else None
    else:
        binary, corpus = ship(spark, args.binary), ship(spark, args.corpus)
        index = ship(spark, args.index) if args.index else None

    records = read_records(spark, args.input, args.input_format)
    partitions = args.partitions or sc.defaultParallelism
    # Every table below is a small shuffle of the staged rows (the window keeping the
    # earliest corpus-wide finding, the counts by rule). At Spark's default of 200 shuffle
    # partitions each of them ran 200 tasks, whatever the input's size: that was most of
    # the job's time on one article. As many as there are streams keeps them in step.
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    # Contiguous runs of the input, in order within each: a partition is one stream.
    records = records.repartitionByRange(partitions, "seq").sortWithinPartitions("seq")
    rows = records.rdd.mapPartitions(check_partition(binary, corpus, index, args.fail_once_partition))
    staged = spark.createDataFrame(
        rows,
        "kind string, seq long, partition int, attempt int, executor string, corpus_wide boolean, line string",
    )
    out = args.output.rstrip("/")
    # The one pass that runs citecheck: written once, committed per task, read back for
    # every table below.
    write(staged, f"{out}/_rows", "parquet")
    staged = spark.read.parquet(f"{out}/_rows")

    findings = parsed(staged.where("kind = 'finding'"), FINDING_FIELDS)
    first = Window.partitionBy(*CORPUS_WIDE_KEY).orderBy("seq")
    corpus_wide = (
        findings.where("corpus_wide")
        .withColumn("n", F.row_number().over(first))
        .where("n = 1")
        .drop("n")
        # Its notes count sentences and articles of one partition only.
        .withColumn("notes", F.array().cast("array<string>"))
    )
    findings = (
        findings.where("not corpus_wide")
        .unionByName(corpus_wide)
        .sortWithinPartitions("seq", "line", "column")
    )
    articles = parsed(staged.where("kind = 'article'"), ARTICLE_FIELDS).drop("corpus_wide")
    errors = parsed(staged.where("kind = 'error'"), ERROR_FIELDS).drop("corpus_wide")

    write(findings.drop("corpus_wide", "seq"), f"{out}/findings", args.output_format, "rule")
    write(articles.sortWithinPartitions("seq").drop("seq"), f"{out}/articles", args.output_format)
    write(errors.sortWithinPartitions("seq").drop("seq"), f"{out}/errors", args.output_format)
    by_rule = findings.groupBy("rule", "severity").count().orderBy("rule", "severity")
    write(by_rule.coalesce(1), f"{out}/summary", args.output_format)

    totals = articles.agg(
        *[F.coalesce(F.sum(c), F.lit(0)).alias(c) for c in
          ("sentences", "claims", "cited", "implicit", "uncited", "verified", "unsupported", "unverifiable")],
        F.count("*").alias("articles"),
    ).first().asDict()
    summary = {
        "articles": totals.pop("articles"),
        **totals,
        "unreadable_records": errors.count(),
        "findings": {
            f"{r['rule']}/{r['severity']}": r["count"] for r in by_rule.collect()
        },
        "partitions": partitions,
        "tasks_by_executor": {
            r["executor"]: r["count"]
            for r in staged.where("kind = 'article'").groupBy("executor").agg(
                F.countDistinct("partition").alias("count")
            ).collect()
        },
        "executors": executors_seen(spark),
    }
    summary["findings_total"] = sum(summary["findings"].values())
    text = json.dumps(summary, indent=2, sort_keys=True)
    if out.startswith("/") or "://" not in out:
        with open(os.path.join(out, "summary.json"), "w") as f:
            f.write(text + "\n")
    staged_path = sc._jvm.org.apache.hadoop.fs.Path(f"{out}/_rows")
    staged_path.getFileSystem(sc._jsc.hadoopConfiguration()).delete(staged_path, True)
    print(text)
    spark.stop()


if __name__ == "__main__":
    main()
