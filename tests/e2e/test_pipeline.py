"""
End to end: a real Airflow runs users_pipeline's three images in a real Docker engine against a
real Kafka broker, Cassandra node and Spark master + worker (started by test-support's
PipelineServers) and the randomuser stand-in.

Prerequisites, which ./script/e2e.sh provides: a Docker engine, the three images
users-pipeline/<task>:latest (script/images.sh), `mvn install` done, SPARK_HOME set.
The containers use the host's network: the servers listen on 127.0.0.1.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import docker
import pendulum
import pytest
from sqlalchemy import select

from conftest import ROOT
from run_rows import keyspace_session, run_rows

AIRFLOW = str(Path(sys.executable).parent / "airflow")
WORK = ROOT / "target" / "e2e"
USERS = 1500
# submit-spark's own last words when its job failed: the one-line reason.
SPARK_FAILURE = re.compile(r"submit-spark failed: .+")


class PipelineServers:
    """test-support's PipelineServers in a child JVM: addresses from its first JSON line, commands on its stdin."""

    def __init__(self):
        self.process = subprocess.Popen(
            ["mvn", "-q", "exec:java", "-Dexec.mainClass=io.github.userspipeline.testsupport.PipelineServers"],
            cwd=ROOT / "test-support", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=open(WORK / "servers.log", "w"), text=True)
        self.addresses = json.loads(self._line_starting_with("{"))

    def _line_starting_with(self, prefix):
        for line in self.process.stdout:
            line = re.sub(r"\x1b\[[0-9;]*m", "", line).strip()  # Debian's Maven writes ANSI resets on stdout
            if line.startswith(prefix):
                return line
        raise RuntimeError(f"PipelineServers exited ({self.process.wait()}), see {WORK / 'servers.log'}")

    def command(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        self._line_starting_with("ok " + command)

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def servers():
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    started = PipelineServers()
    yield started
    started.close()


@pytest.fixture(scope="module")
def checkpoint_volume():
    """The Spark checkpoint as the DAG takes it, a named volume, here bound to a directory of this
    host, where the worker (a process of this host) writes it under the same path."""
    checkpoints = WORK / "checkpoints"
    checkpoints.mkdir()
    checkpoints.chmod(0o777)  # the submit-spark container runs as uid 185
    client = docker.from_env()
    name = "users-pipeline-e2e-checkpoints"
    # One a killed run left would be bound to its own directory: Docker keeps an existing volume's
    # options when it is created again.
    for stale in client.volumes.list(filters={"name": f"^{name}$"}):
        stale.remove(force=True)
    volume = client.volumes.create(name, driver="local", driver_opts={
        "type": "none", "o": "bind", "device": str(checkpoints)})
    assert volume.attrs["Options"]["device"] == str(checkpoints)
    yield volume.name, checkpoints
    volume.remove(force=True)
    client.close()


@pytest.fixture(scope="module")
def airflow_env(servers, checkpoint_volume):
    """The Airflow processes' environment: the DAG's settings pointed at the test servers."""
    volume, checkpoints = checkpoint_volume
    address = servers.addresses
    env = dict(
        os.environ,
        USERS_PIPELINE_DOCKER_URL="unix://var/run/docker.sock",
        USERS_PIPELINE_DOCKER_NETWORK="host",
        # The task containers are not the compose stack's (script/compose-e2e.sh would take one for a stack).
        USERS_PIPELINE_COMPOSE_PROJECT="users-pipeline-e2e",
        USERS_PIPELINE_RANDOMUSER_URL=address["randomuser_url"],
        USERS_PIPELINE_KAFKA_BOOTSTRAP_SERVERS=address["kafka_bootstrap_servers"],
        USERS_PIPELINE_SPARK_MASTER_URL=address["spark_master_url"],
        USERS_PIPELINE_SPARK_MASTER_UI_URL=address["spark_master_web_ui_url"],
        USERS_PIPELINE_CASSANDRA_CONTACT_POINTS=address["cassandra_contact_point"],
        USERS_PIPELINE_CASSANDRA_USERNAME=address["cassandra_username"],
        USERS_PIPELINE_CASSANDRA_PASSWORD=address["cassandra_password"],
        # The worker runs on this host: the container mounts the same path the executors write to.
        USERS_PIPELINE_CHECKPOINT_VOLUME=volume,
        USERS_PIPELINE_CHECKPOINT_DIR=str(checkpoints),
        # Retries soon enough for a test: 5 s, 10 s, 20 s, 40 s.
        USERS_PIPELINE_RETRIES="4",
        USERS_PIPELINE_RETRY_DELAY_SECONDS="5",
        # No lateness alert: `airflow dags test` of Airflow 3.3.2 fails to mark a run with a deadline
        # successful (it looks the deadline up by a dict for its id).
        USERS_PIPELINE_LATE_AFTER_MINUTES="0",
    )
    subprocess.run([AIRFLOW, "db", "reset", "--yes"], env=env, check=True, capture_output=True)
    return env


def airflow(env, log_name, *args):
    """Runs an airflow command; its whole output (the task logs included) goes to target/e2e/<log_name>.log."""
    log = WORK / f"{log_name}.log"
    with open(log, "w") as out:
        process = subprocess.Popen([AIRFLOW, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, log


def finished(process, log, timeout=900):
    code = process.wait(timeout=timeout)
    return code, log.read_text()


def state_name(state):
    return getattr(state, "value", state)


def dag_run(logical_date):
    """(run_id, state) of the run `airflow dags test` made for this logical date."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        run = session.scalars(select(DagRun).where(
            DagRun.dag_id == "users_pipeline", DagRun.logical_date == pendulum.parse(logical_date))).one()
        return run.run_id, state_name(run.state)


def task_instances(run_id):
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.scalars(select(TaskInstance).where(
            TaskInstance.dag_id == "users_pipeline", TaskInstance.run_id == run_id)).all()
        return {ti.task_id: (state_name(ti.state), ti.try_number) for ti in rows}


def summary(run_id, task_id):
    """The task's XCom: its summary line, as the next task gets it."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        value = session.scalars(select(XComModel.value).where(
            XComModel.dag_id == "users_pipeline", XComModel.run_id == run_id,
            XComModel.task_id == task_id, XComModel.key == "return_value")).one()
    return json.loads(value) if isinstance(value, str) else value


def cassandra_counts(servers, run_id):
    address = servers.addresses
    return run_rows(address["cassandra_contact_point"], address["cassandra_username"],
                    address["cassandra_password"], run_id)


def active_spark_applications(servers):
    with urllib.request.urlopen(servers.addresses["spark_master_web_ui_url"] + "/json/", timeout=10) as response:
        return json.load(response)["activeapps"]


@pytest.fixture(scope="module")
def first_run(airflow_env, servers):
    """One whole run of the DAG, as `airflow dags test` runs it."""
    started = time.monotonic()
    process, log = airflow(airflow_env, "first-run", "dags", "test", "users_pipeline", "2026-01-01T00:00:00+00:00",
                           "--conf", json.dumps({"users_count": USERS}))
    code, output = finished(process, log)
    seconds = round(time.monotonic() - started, 1)
    run_id, state = dag_run("2026-01-01T00:00:00+00:00")
    result = {
        "dag_run_state": state,
        "produced": summary(run_id, "fetch_users")["produced"],
        "found": summary(run_id, "verify_cassandra")["found"],
        "seconds": seconds,
    }
    (WORK / "result.json").write_text(json.dumps(result, separators=(",", ":")))
    return {"code": code, "output": output, "run_id": run_id, **result}


def test_all_three_tasks_succeed_and_cassandra_holds_the_run(first_run, servers):
    assert first_run["code"] == 0, f"airflow dags test failed, see {WORK / 'first-run.log'}"
    assert first_run["dag_run_state"] == "success"
    assert task_instances(first_run["run_id"]) == {
        "fetch_users": ("success", 1), "submit_spark": ("success", 1), "verify_cassandra": ("success", 1)}
    assert first_run["produced"] == USERS
    assert summary(first_run["run_id"], "submit_spark")["written"] == USERS
    assert first_run["found"] == USERS
    # The very ids fetch_users produced, not only as many.
    fetched = summary(first_run["run_id"], "fetch_users")["ids_digest"]
    assert summary(first_run["run_id"], "verify_cassandra")["found_digest"] == fetched
    assert cassandra_counts(servers, first_run["run_id"]) == (USERS, USERS)


def test_rerunning_single_tasks_adds_no_duplicates(first_run, airflow_env, servers):
    run_id = first_run["run_id"]
    for task_id in ("fetch_users", "submit_spark", "verify_cassandra"):
        code, output = finished(*airflow(airflow_env, f"rerun-{task_id}", "tasks", "test", "users_pipeline",
                                         task_id, run_id))
        assert code == 0, f"rerun of {task_id} failed, see {WORK / f'rerun-{task_id}.log'}"
    # The same users went through Kafka and Spark again…
    assert summary(run_id, "fetch_users")["produced"] == USERS
    assert summary(run_id, "submit_spark")["written"] == USERS
    # …and are still there once each.
    assert summary(run_id, "verify_cassandra")["found"] == USERS
    assert cassandra_counts(servers, run_id) == (USERS, USERS)


def test_a_failed_task_keeps_its_summary_as_its_xcom(first_run, airflow_env, servers):
    """A task that fails prints its summary before its reason; the Users report reads it as the XCom.
    Run after the reruns above: one of the first run's users loses its created_users row for good."""
    run_id = first_run["run_id"]
    address = servers.addresses
    with keyspace_session(address["cassandra_contact_point"], address["cassandra_username"],
                          address["cassandra_password"]) as session:
        lost = next(row.id for row in session.execute("SELECT id, run_id FROM created_users") if row.run_id == run_id)
        session.execute("DELETE FROM created_users WHERE id = %s", (lost,))

    code, output = finished(*airflow(airflow_env, "failed-verify", "tasks", "test", "users_pipeline",
                                     "verify_cassandra", run_id))

    # (`airflow tasks test` exits 0 whatever the task did.)
    assert f"1 of {USERS} indexed users missing" in output, f"verify did not fail, see {WORK / 'failed-verify.log'}"
    assert task_instances(run_id)["verify_cassandra"][0] in ("up_for_retry", "failed")
    failed = summary(run_id, "verify_cassandra")
    assert (failed["ok"], failed["found"], failed["missing_in_created_users"]) == (False, USERS, 1)
    assert f"1 of {USERS} indexed users missing" in failed["failure"]
    assert failed["profile"]["users"] == USERS - 1


def test_failed_task_shows_its_reason_and_succeeds_on_retry(first_run, airflow_env, servers):
    servers.command("stop cassandra")
    try:
        process, log = airflow(airflow_env, "retry-run", "dags", "test", "users_pipeline", "2026-01-02T00:00:00+00:00",
                               "--conf", json.dumps({"users_count": USERS}))
        deadline = time.monotonic() + 600
        while not SPARK_FAILURE.search(log.read_text()):
            assert process.poll() is None and time.monotonic() < deadline, \
                f"submit_spark did not fail with a reason, see {log}"
            time.sleep(2)
    finally:
        servers.command("start cassandra")
    code, output = finished(process, log)

    assert code == 0, f"the run did not recover, see {log}"
    reason = SPARK_FAILURE.search(output).group(0)
    assert "Cassandra" in reason or "cassandra" in reason, reason
    run_id, state = dag_run("2026-01-02T00:00:00+00:00")
    states = task_instances(run_id)
    assert state == "success"
    assert states["submit_spark"][0] == "success" and states["submit_spark"][1] >= 2, states
    assert cassandra_counts(servers, run_id) == (USERS, USERS)
    # The failed attempts left nothing running on the cluster.
    assert active_spark_applications(servers) == []
