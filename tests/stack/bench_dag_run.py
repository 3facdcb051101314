"""Benchmark, not a test of CI: how long a whole users_pipeline run takes through the real scheduler of
the compose stack, and how much of it is Airflow's own overhead. script/bench.sh runs it with
script/compose-e2e.sh (the API's rate limit lifted, as for a stand-in of your own) and prints
COMPOSE_WORK/figures.jsonl, one figure a line, in the format of test-support's Figure.

A run's time is Airflow's own clocks: from the run being queued (the trigger) to verify_cassandra's
end. Its baseline is the sum of the three task instances' run times (start to end of each, container
start and log streaming included); the difference is the scheduler's: queueing, task start-up and
the gaps between tasks. Each task's time has its program's own (its summary's seconds) as baseline."""

import json
from datetime import datetime

import pytest

from .compose_stack import WORK, wait_until

TASKS = ("fetch_users", "submit_spark", "verify_cassandra")
FIGURES = WORK / "figures.jsonl"


def seconds_between(start, end):
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


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


def test_largest_run(api):
    """The users_count Param's maximum."""
    report(api, api.trigger(users_count=50_000), "dag_run_50k", 50_000)
