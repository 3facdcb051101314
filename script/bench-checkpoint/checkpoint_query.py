"""The query of script/bench-checkpoint.sh, and its figures.

  run STORE CHECKPOINT RESULT   (through spark-submit) a rate-micro-batch source of BENCH_ROWS rows per
                                batch into a foreachBatch sink that notes each batch's rows; BENCH_BATCHES
                                micro-batches, then a stop and a restart on the same checkpoint for
                                BENCH_RESTART_BATCHES more. Writes each batch's progress and what the sink
                                saw to RESULT (JSON).
  report RESULT...              (plain python3) prints one JSON line per figure, s3a's against hdfs's as
                                baseline, over all the results (rounds) of each store, and checks that
                                each restart neither replayed nor skipped rows.

The source numbers its rows 0, 1, 2...: batch k holds [k * rows, (k + 1) * rows), so the values a batch
held show where the restarted query went on.
"""

import json
import math
import os
import statistics
import sys
import time
from datetime import datetime

# Per-batch checkpoint figures: progress durationMs key(s) -> figure.
BATCH_FIGURES = {
    "checkpoint_wal_commit_ms": ("walCommit",),
    "checkpoint_commit_offsets_ms": ("commitOffsets",),
    "checkpoint_commit_ms": ("walCommit", "commitOffsets"),  # both checkpoint writes of a batch
    "checkpoint_trigger_execution_ms": ("triggerExecution",),
}


def run(store, checkpoint, result):
    from pyspark.sql import SparkSession, functions

    batches = int(os.environ.get("BENCH_BATCHES", "30"))
    restart_batches = int(os.environ.get("BENCH_RESTART_BATCHES", "10"))
    rows = int(os.environ.get("BENCH_ROWS", "1000"))
    spark = SparkSession.builder.appName(f"bench-checkpoint-{store}").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    seen = []

    def note(frame, batch_id):
        values = frame.agg(functions.count("*"), functions.min("value"), functions.max("value")).first()
        seen.append({"batch": batch_id, "rows": values[0], "min": values[1], "max": values[2]})

    def until(count):
        """Starts the query on the checkpoint; stops it after `count` progress reports."""
        started = time.time()
        query = (spark.readStream.format("rate-micro-batch").option("rowsPerBatch", rows)
                 .option("numPartitions", 2).load()
                 .writeStream.foreachBatch(note).option("checkpointLocation", checkpoint).start())
        while len(query.recentProgress) < count:
            if query.exception():
                raise RuntimeError(f"query failed: {query.exception()}")
            time.sleep(0.05)
        query.stop()
        logs = {log: listing(f"{checkpoint}/{log}") for log in ("offsets", "commits")}
        progress = [{"batch": p["batchId"], "timestamp": p["timestamp"], "durationMs": p["durationMs"],
                     "rows": p["numInputRows"], "start": p["sources"][0]["startOffset"],
                     "end": p["sources"][0]["endOffset"]} for p in query.recentProgress]
        print(f"bench-checkpoint: {store}: {len(progress)} batches, last {progress[-1]['batch']}; at the stop"
              f" {json.dumps(logs)}", file=sys.stderr)
        return {"started": started, "progress": progress, "logs_at_stop": logs}

    def listing(folder):
        """The last batch of a checkpoint log, and any file that is not a batch's (a leftover of a write)."""
        path = spark._jvm.org.apache.hadoop.fs.Path(folder)
        names = [status.getPath().getName()
                 for status in path.getFileSystem(spark._jsc.hadoopConfiguration()).listStatus(path)]
        batches = [int(name) for name in names if name.isdigit()]
        return {"last": max(batches, default=None), "other": sorted(n for n in names if not n.isdigit())}

    runs = [until(batches), until(restart_batches)]
    with open(result, "w") as file:
        json.dump({"store": store, "rows": rows, "runs": runs, "seen": seen}, file)
    spark.stop()


def first_batch_seconds(run):
    """From start() to the end of the query's first batch, by the progress's own clock."""
    first = run["progress"][0]
    ended = datetime.fromisoformat(first["timestamp"].replace("Z", "+00:00")).timestamp()
    return ended + first["durationMs"]["triggerExecution"] / 1000 - run["started"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def figures(results):
    """figure -> (value, unit, extra fields) over a store's rounds; per-batch figures pool the rounds' batches,
    leaving out each start's cold first batch; the start figures are medians over the rounds."""
    steady = [p["durationMs"] for result in results for run in result["runs"] for p in run["progress"][1:]]
    out = {}
    for figure, keys in BATCH_FIGURES.items():
        values = [sum(d.get(key, 0) for key in keys) for d in steady]
        out[figure] = (statistics.median(values), "ms",
                       {"median": statistics.median(values), "p90": percentile(values, 0.9), "batches": len(values)})
    for figure, run in (("checkpoint_first_batch_seconds", 0), ("checkpoint_restart_seconds", 1)):
        values = [round(first_batch_seconds(result["runs"][run]), 3) for result in results]
        out[figure] = (round(statistics.median(values), 3), "s", {"rounds": values})
    return out


def restart_check(result):
    """Whether the restarted query went on where the first stopped: each batch on the same rows, no gap or overlap."""
    by_batch = {}
    for call in result["seen"]:
        by_batch.setdefault(call["batch"], []).append((call["min"], call["max"], call["rows"]))
    rerun = sorted(batch for batch, calls in by_batch.items() if len(calls) > 1)
    problems = [f"batch {batch} ran on different rows: {calls}" for batch, calls in by_batch.items()
                if len(set(calls)) > 1]
    expected = 0
    for batch in sorted(by_batch):
        low, high, count = by_batch[batch][0]
        if low != expected or count != result["rows"] or high != low + count - 1:
            problems.append(f"batch {batch} held [{low}, {high}] ({count} rows), expected from {expected}")
        expected = high + 1
    # A batch the stop interrupted after the sink saw it but before its commit runs again on the same
    # rows after the restart (at least once at the sink, as Spark promises): a re-run, not a replay.
    before, after = (run["progress"] for run in result["runs"])
    return {"store": result["store"], "last_committed_before_stop": before[-1]["batch"],
            "first_after_restart": after[0]["batch"], "start_offset_after_restart": after[0]["start"],
            "end_offset_before_stop": before[-1]["end"], "logs_at_stop": result["runs"][0]["logs_at_stop"],
            "batches_seen": len(by_batch),
            "rerun_uncommitted_batches": rerun, "problems": problems}


def report(*paths):
    results = {"hdfs": [], "s3a": []}
    for path in paths:
        with open(path) as file:
            result = json.load(file)
        results[result["store"]].append(result)
    hdfs, s3a = figures(results["hdfs"]), figures(results["s3a"])
    for figure, (value, unit, extra) in hdfs.items():
        print(json.dumps({"figure": figure, "store": "hdfs", "value": value, "unit": unit, **extra,
                          "baseline": None, "ratio": None}))
        s3a_value, _, s3a_extra = s3a[figure]
        ratio = round(s3a_value / value, 3) if value else None
        print(json.dumps({"figure": figure, "store": "s3a", "value": s3a_value, "unit": unit, **s3a_extra,
                          "baseline": value, "ratio": ratio}))
        print(json.dumps({"figure": figure.rsplit("_", 1)[0] + "_ratio", "s3a_over_hdfs": ratio}))
    failed = False
    for result in results["hdfs"] + results["s3a"]:
        check = restart_check(result)
        print(f"bench-checkpoint: restart on {result['store']}: {json.dumps(check)}", file=sys.stderr)
        failed = failed or bool(check["problems"])
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "run":
        run(*sys.argv[2:])
    elif len(sys.argv) >= 4 and sys.argv[1] == "report":
        sys.exit(report(*sys.argv[2:]))
    else:
        sys.exit(__doc__)
