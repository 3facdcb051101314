"""The scheduler runs users_pipeline on the compose stack: the first daily run, a run triggered
through the REST API, a clear of submit_spark and its downstream task, Cassandra lost during
submit_spark, the scheduler killed during submit_spark, and a person marking a running submit_spark
failed and clearing it, all checked through the API and with CQL;
last, a task container left behind, for `down`. In this order: each test builds on the stack the
previous ones left."""

import time

import pytest

from conftest import load_dag_module

from .compose_stack import FINAL_STATES, active_spark_applications, compose, docker, wait_until

USERS = 2000
# The DAG's default users_count in the stack (USERS_PIPELINE_USERS_COUNT of .env.example).
DAILY_USERS = 1000
TASKS = ("fetch_users", "submit_spark", "verify_cassandra")


def delivered(api, cassandra_rows, run_id, users):
    """The run produced `users` users, and Cassandra holds each of them once, in both tables."""
    produced = api.summary(run_id, "fetch_users")["produced"]
    found = api.summary(run_id, "verify_cassandra")["found"]
    assert (produced, found) == (users, users)
    assert cassandra_rows(run_id) == (users, users)
    return produced, found



def test_the_first_daily_run_starts_by_itself_and_succeeds(api, cassandra_rows):
    # DAGs are not paused at creation: the scheduler runs the last daily interval once it has the DAG.
    scheduled = wait_until(lambda: [r for r in api.runs() if r["run_type"] == "scheduled"], 300,
                           "the first scheduled run")
    assert len(scheduled) == 1, scheduled
    run_id = scheduled[0]["dag_run_id"]
    assert api.wait_for_run(run_id) == "success", api.task_instances(run_id)
    delivered(api, cassandra_rows, run_id, DAILY_USERS)


@pytest.fixture(scope="module")
def triggered_run(api, results):
    started = time.monotonic()
    run_id = api.trigger(users_count=USERS)
    state = api.wait_for_run(run_id)
    results.update(dag_run_state=state, seconds=round(time.monotonic() - started, 1))
    if state == "success":
        results.update(produced=api.summary(run_id, "fetch_users")["produced"],
                       found=api.summary(run_id, "verify_cassandra")["found"])
    return run_id


def test_a_run_triggered_through_the_api_delivers_exactly_its_users(api, cassandra_rows, triggered_run):
    assert api.run_state(triggered_run) == "success"
    assert api.task_instances(triggered_run) == {task: ("success", 1) for task in TASKS}
    delivered(api, cassandra_rows, triggered_run, USERS)
    assert api.summary(triggered_run, "submit_spark")["written"] == USERS


def test_clearing_submit_spark_runs_it_and_verify_again_without_duplicates(api, cassandra_rows, triggered_run):
    api.clear(triggered_run, "submit_spark")
    # The clear resets the run too: wait for the tasks to have run again, not for the old state.
    wait_until(lambda: api.task_instances(triggered_run)["verify_cassandra"] == ("success", 2), 1200,
               "verify_cassandra's second try")
    assert api.wait_for_run(triggered_run) == "success"
    assert api.task_instances(triggered_run) == {
        "fetch_users": ("success", 1), "submit_spark": ("success", 2), "verify_cassandra": ("success", 2)}
    delivered(api, cassandra_rows, triggered_run, USERS)


def test_cassandra_lost_during_submit_spark_fails_the_try_with_its_reason_and_the_retry_succeeds(
        api, cassandra_rows):
    run_id = api.trigger(users_count=DAILY_USERS)
    wait_until(lambda: api.task_instances(run_id).get("submit_spark", (None,))[0] == "running", 900,
               "submit_spark to run")
    compose("stop", "cassandra")
    try:
        wait_until(lambda: api.task_instances(run_id)["submit_spark"][0] in ("up_for_retry", "failed"), 900,
                   "submit_spark's first try to fail")
    finally:
        compose("start", "cassandra")

    # The try's log, as the UI shows it: the container's last words (what DockerOperator relays) are
    # the one-line reason and the failed try's summary. The task prints the summary (stdout) first,
    # but Docker reads stdout and stderr apart and does not keep their order (seen in CI): the reason
    # is the last line or the one before the summary.
    events = api.log_events(run_id, "submit_spark", 1)
    container_lines = [e["event"] for e in events
                       if isinstance(e, dict) and e.get("logger") == "airflow.task.operators.users_pipeline"]
    assert container_lines, events[-5:]
    reasons = [i for i, line in enumerate(container_lines) if line.startswith("submit-spark failed: ")]
    assert reasons, container_lines[-3:]
    after_reason = container_lines[reasons[-1] + 1:]
    assert len(after_reason) <= 1 and all(line.startswith('{"task":"submit-spark"') for line in after_reason), \
        container_lines[-3:]
    assert "Cassandra" in container_lines[reasons[-1]]

    assert api.wait_for_run(run_id) == "success", api.task_instances(run_id)
    state, tries = api.task_instances(run_id)["submit_spark"]
    assert state == "success" and tries >= 2
    delivered(api, cassandra_rows, run_id, DAILY_USERS)
    assert active_spark_applications() == []


# The DAG's submit_spark, as the stack's scheduler loads it: its containers' labels and mounts.
SUBMIT_SPARK = load_dag_module().dag.get_task("submit_spark")


def submit_spark_containers(*status):
    """The stack's submit-spark task containers (by StepOperator's labels), of the given statuses."""
    filters = [arg for key in ("com.docker.compose.project", "com.docker.compose.service")
               for arg in ("--filter", f"label={key}={SUBMIT_SPARK.labels[key]}")]
    filters += [arg for state in status for arg in ("--filter", f"status={state}")]
    return docker("ps", "-aq", *filters).split()


def test_the_scheduler_killed_during_submit_spark_leaves_no_second_driver(api, cassandra_rows):
    """The scheduler (LocalExecutor: the worker too) SIGKILLed while submit_spark's container runs:
    that container outlives its operator. The retry stops and removes it before it starts its own,
    so two drivers never share the checkpoint, and nothing of the first try is left."""
    run_id = api.trigger(users_count=DAILY_USERS)
    # One run at a time: while this run's submit_spark runs, the running submit-spark container is its.
    wait_until(lambda: api.task_instances(run_id).get("submit_spark", (None,))[0] == "running"
               and submit_spark_containers("running"), 900, "submit_spark's container to run")
    compose("kill", "-s", "SIGKILL", "airflow-scheduler")
    compose("start", "airflow-scheduler")

    most_side_by_side = 0
    while api.run_state(run_id) not in FINAL_STATES:
        most_side_by_side = max(most_side_by_side, len(submit_spark_containers("running")))
        time.sleep(1)
    assert api.run_state(run_id) == "success", api.task_instances(run_id)
    assert most_side_by_side == 1
    state, tries = api.task_instances(run_id)["submit_spark"]
    assert state == "success" and tries >= 2
    # The retry found the first try's container: the case this test is about did happen.
    retry_log = [e.get("event", "") for e in api.log_events(run_id, "submit_spark", tries) if isinstance(e, dict)]
    assert any("an earlier try's container" in line for line in retry_log), retry_log[:20]
    delivered(api, cassandra_rows, run_id, DAILY_USERS)
    assert submit_spark_containers() == []
    assert active_spark_applications() == []


def run_applications(run_id):
    """The run's applications that the Spark master lists as active (the job names them after the run)."""
    return [app for app in active_spark_applications() if app["name"] == f"stream-users {run_id}"]


def test_a_person_stopping_a_running_submit_spark_leaves_nothing_of_that_try(api, cassandra_rows):
    """Marked failed while it runs, then cleared, and cleared again while the next try runs: each
    stopped try takes its container and its application (which holds the workers' cores) with it,
    by itself, not left for a later try to clean up; the run then ends with each user once."""
    run_id = api.trigger(users_count=DAILY_USERS)

    def try_running_with_application(try_number):
        return (api.task_instances(run_id)["submit_spark"] == ("running", try_number)
                and submit_spark_containers("running") and run_applications(run_id))

    def nothing_left():
        return not submit_spark_containers() and not run_applications(run_id)

    wait_until(lambda: try_running_with_application(1), 900, "submit_spark's application to run")
    api.mark(run_id, "submit_spark", "failed")
    wait_until(nothing_left, 120, "the failed try's container and application to go")
    assert api.task_instances(run_id)["submit_spark"] == ("failed", 1)

    api.clear(run_id, "submit_spark")
    wait_until(lambda: try_running_with_application(2), 900, "the second try's application to run")
    api.clear(run_id, "submit_spark")
    most_side_by_side = 0
    while api.run_state(run_id) not in FINAL_STATES:
        most_side_by_side = max(most_side_by_side, len(submit_spark_containers("running")),
                                len(run_applications(run_id)))
        time.sleep(1)
    assert api.run_state(run_id) == "success", api.task_instances(run_id)
    assert most_side_by_side == 1
    assert api.task_instances(run_id)["submit_spark"] == ("success", 3)
    # Neither later try found a container of the one before: each stopped try removed its own.
    for try_number in (2, 3):
        log = [e.get("event", "") for e in api.log_events(run_id, "submit_spark", try_number) if isinstance(e, dict)]
        assert not any("an earlier try's container" in line for line in log), (try_number, log[:20])
    delivered(api, cassandra_rows, run_id, DAILY_USERS)
    assert nothing_left()


def test_a_task_container_left_behind_is_the_stacks_for_down():
    """A try's container whose operator died holds the checkpoint volume. It carries the compose
    project's one-off labels (StepOperator's), so compose counts it among the stack's containers and
    `down -v --remove-orphans` removes it, and the volume after it: script/compose-e2e.sh checks that
    nothing is left after down."""
    labels = [arg for key, value in SUBMIT_SPARK.labels.items() for arg in ("--label", f"{key}={value}")]
    mounts = [arg for mount in SUBMIT_SPARK.mounts
              for arg in ("--mount", f"type=volume,source={mount['Source']},target={mount['Target']}")]
    container = docker("create", *labels, *mounts, "local/jre:17", "true")
    assert container in compose("ps", "-a", "-q", "--no-trunc").stdout.split()
