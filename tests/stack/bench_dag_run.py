"""Benchmark, not a test of CI: how long a whole users_pipeline run takes through the real scheduler of
the compose stack, and how much of it is Airflow's own overhead. script/bench.sh runs it with
script/compose-e2e.sh (the API's rate limit lifted, as for a stand-in of your own) and prints
COMPOSE_WORK/figures.jsonl, one figure a line, in the format of test-support's Figure.

A run's time is Airflow's own clocks: from the run being queued (the trigger) to verify_cassandra's
end. Its baseline is the sum of the three task instances' run times (start to end of each, container
start and log streaming included); the difference is the scheduler's: queueing, task start-up and
the gaps between tasks. Each task's time has its program's own (its summary's seconds) as baseline.

dag_run_spark_floor_seconds is what any Spark application costs in the stack: SparkFloor (a
session, one record of users_created, stop; stream-users' spark-floor jar) submitted by the
submit-spark image on the stack's network, as submit_spark submits the job, from the container's
creation to its end. dag_run_submit_spark_over_floor_seconds: submit_spark's time in a 1,000-user run
against it, each the median of FLOOR_ROUNDS rounds of a run, then the floor."""

import json
import os
import re
import statistics
import subprocess
from datetime import datetime

import pytest

from .compose_stack import ROOT, WORK, docker, wait_until

TASKS = ("fetch_users", "submit_spark", "verify_cassandra")
FIGURES = WORK / "figures.jsonl"
FLOOR_ROUNDS = 3
# The DAG's view of the stack, with the DAG's defaults (docker-compose.yml's names).
SUBMIT_SPARK_IMAGE = os.environ.get("USERS_PIPELINE_SUBMIT_SPARK_IMAGE", "users-pipeline/submit-spark:latest")
NETWORK = os.environ.get("USERS_PIPELINE_DOCKER_NETWORK", "users-pipeline")


def seconds_between(start, end):
    def instant(text):
        # Docker gives nanoseconds; Python reads six digits at most.
        return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text))

    return (instant(end) - instant(start)).total_seconds()


def figure(name, value, unit, baseline=None):
    line = {"figure": name, "value": round(value, 3), "unit": unit,
            "baseline": None if baseline is None else round(baseline, 3),
            "ratio": None if not baseline else round(value / baseline, 3)}
    with FIGURES.open("a") as figures:
        figures.write(json.dumps(line, separators=(",", ":")) + "\n")


def report(api, run_id, prefix, users):
    """The figures of one finished run, after checking that it delivered every user."""
    assert api.wait_for_run(run_id, timeout=3600) == "success", api.task_instances(run_id)
    assert api.summary(run_id, "verify_cassandra")["found"] == users
    run = api.run(run_id)
    tasks = api.task_instance_rows(run_id)
    assert {task: row["try_number"] for task, row in tasks.items()} == dict.fromkeys(TASKS, 1), \
        "a retried task would measure the retry delay, not the pipeline"
    task_seconds = {task: seconds_between(row["start_date"], row["end_date"]) for task, row in tasks.items()}
    total = seconds_between(run["queued_at"], tasks["verify_cassandra"]["end_date"])
    figure(f"{prefix}_seconds", total, "s", sum(task_seconds.values()))
    for task in TASKS:
        # Against the program's own measure (its summary's seconds): the rest is the container's
        # creation and start, the JVM's start and the log's streaming.
        figure(f"{prefix}_{task}_seconds", task_seconds[task], "s", api.summary(run_id, task)["seconds"])
    figure(f"{prefix}_airflow_overhead_seconds", total - sum(task_seconds.values()), "s")
    # Where the overhead went: each task's scheduled, queued, start and end times, beside the figures.
    timeline = {"queued_at": run["queued_at"], **{
        task: {key: row[key] for key in ("scheduled_when", "queued_when", "start_date", "end_date")}
        for task, row in tasks.items()}}
    (WORK / f"{prefix}-timeline.json").write_text(json.dumps(timeline, indent=1))
    # And the job's own account of its time (the driver's log lines, with their times).
    events = api.log_events(run_id, "submit_spark", 1)
    (WORK / f"{prefix}-submit_spark.log").write_text(
        "\n".join(f"{event.get('timestamp', '')} {event.get('event', '')}" for event in events))


@pytest.fixture(scope="module", autouse=True)
def fresh_figures():
    FIGURES.unlink(missing_ok=True)


def test_first_daily_run(api):
    """The scheduler's own first run (1,000 users, the default): cold images, JVMs and Spark."""
    scheduled = wait_until(lambda: [r for r in api.runs() if r["run_type"] == "scheduled"], 300,
                           "the first scheduled run")
    report(api, scheduled[0]["dag_run_id"], "dag_run_first_daily", 1000)


def test_daily_size_run(api):
    """The daily run's size once the stack is warm: the figure users feel."""
    report(api, api.trigger(users_count=1000), "dag_run", 1000)


def floor_jar():
    jars = sorted((ROOT / "tasks" / "stream-users" / "target").glob("stream-users-*-spark-floor.jar"))
    assert jars, "no stream-users spark-floor jar: run mvn install (not -Dmaven.test.skip) first"
    return jars[-1]


def spark_floor_seconds(round_number):
    """One submission of SparkFloor by the submit-spark image, as the DAG starts submit_spark (its
    network, memory limit and compose labels); the container's creation to its end."""
    name = f"users-pipeline-bench-spark-floor-{round_number}"
    command = [
        os.environ.get("DOCKER", "docker"), "run", "--name", name, "--network", NETWORK, "--memory", "2g",
        "--label", "com.docker.compose.project=users-pipeline", "--label", "com.docker.compose.oneoff=True",
        "--label", "com.docker.compose.service=bench-spark-floor", "--label", "com.docker.compose.config-hash=",
        "--volume", f"{floor_jar()}:/bench/spark-floor.jar:ro",
        "--env", f"RUN_ID=bench-spark-floor-{round_number}",
        "--env", "SPARK_JOB_JAR=/bench/spark-floor.jar",
        "--env", "SPARK_JOB_MAIN_CLASS=io.github.userspipeline.streamusers.SparkFloor",
        # The Kafka source, from the job's jar, as the job has it.
        "--env", "SPARK_CONF=spark.jars=/app/stream-users.jar",
        SUBMIT_SPARK_IMAGE, "--", "kafka:9092", "users_created",
    ]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, f"the floor application failed: {run.stderr[-2000:]}"
        created, finished = docker("inspect", "--format", "{{.Created}} {{.State.FinishedAt}}", name).split()
        return seconds_between(created, finished)
    finally:
        subprocess.run([os.environ.get("DOCKER", "docker"), "rm", "--force", name], capture_output=True)


def test_spark_floor(api):
    """The floor of submit_spark: rounds of a daily-size run, then the floor right after it (users_created
    holds its records); the medians, as each round's two are measured under the same load."""
    submit_spark, floor = [], []
    for round_number in range(1, FLOOR_ROUNDS + 1):
        run_id = api.trigger(users_count=1000)
        assert api.wait_for_run(run_id, timeout=3600) == "success", api.task_instances(run_id)
        row = api.task_instance_rows(run_id)["submit_spark"]
        assert row["try_number"] == 1, "a retried submit_spark would measure the retry delay"
        submit_spark.append(seconds_between(row["start_date"], row["end_date"]))
        floor.append(spark_floor_seconds(round_number))
    print(f"submit_spark seconds: {submit_spark}, floor seconds: {floor}")
    figure("dag_run_spark_floor_seconds", statistics.median(floor), "s")
    figure("dag_run_submit_spark_over_floor_seconds", statistics.median(submit_spark), "s",
           statistics.median(floor))


def test_largest_run(api):
    """The users_count Param's maximum."""
    report(api, api.trigger(users_count=50_000), "dag_run_50k", 50_000)
