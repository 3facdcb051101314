"""The cluster profile (script/cluster-e2e.sh): three nodes of every engine, and runs that lose
nothing while one node of each kind is killed (tests/stack/cluster_faults.py says how). In order:
the shape; a run with a Kafka node killed during fetch_users, a Cassandra node and a Spark worker
during the job's writes and the Airflow worker of submit_spark; a run with a Cassandra and a Kafka
node down from start to end; a run with the scheduler restarted in its middle."""

import json
import os
import re

import pytest
import requests

from run_rows import run_ids

from .cluster_faults import (
    AIRFLOW_WORKERS,
    CASSANDRA_NODES,
    KAFKA_NODES,
    SEED,
    USERS_PER_RUN,
    Faults,
    cassandra_contact_points,
    committed_ids,
    containers,
    randomness,
    task_containers,
)
from .compose_stack import (
    SECRETS,
    SPARK_UI_URL,
    WORK,
    active_spark_applications,
    compose,
    healthy,
    secret,
    wait_until,
)


@pytest.fixture(scope="module")
def cluster_results():
    """What the runs showed; script/compose-e2e.sh prints it, with the peak memory and what
    `down -v` left, as its last line."""
    measured = {"nodes": {}, "runs": 0, "faults": [], "lost": 0, "foreign": 0, "seed": SEED}
    yield measured
    (WORK / "result.json").write_text(json.dumps(measured, separators=(",", ":")))


@pytest.fixture(scope="module")
def login():
    return (os.environ.get("USERS_PIPELINE_CASSANDRA_USERNAME", "users_pipeline"),
            secret("USERS_PIPELINE_CASSANDRA_PASSWORD"))


def rows_of(run_id, login):
    users, _ = run_ids(",".join(cassandra_contact_points()), *login, run_id)
    return len(users)


def assert_exact(api, run_id, login, results):
    """The run succeeded, and Cassandra holds exactly the users Kafka committed for it; nothing of
    any try is left behind."""
    state = api.wait_for_run(run_id)
    assert state == "success", api.task_instances(run_id)
    kafka = committed_ids(run_id)
    users, by_run = run_ids(",".join(cassandra_contact_points()), *login, run_id)
    lost = len(kafka - users) + len(kafka - by_run)
    foreign = len(users - kafka) + len(by_run - kafka)
    results["runs"] += 1
    results["lost"] += lost
    results["foreign"] += foreign
    assert len(kafka) == api.summary(run_id, "fetch_users")["produced"]
    assert (lost, foreign) == (0, 0), f"{lost} lost, {foreign} foreign of {len(kafka)} committed"
    # auto_remove takes a task's container as its try ends.
    wait_until(lambda: not task_containers(), 60, "the task containers to be removed")
    assert active_spark_applications() == []


def test_three_nodes_of_every_engine(cluster_results):
    quorum = compose("exec", "-T", "-e", "KAFKA_HEAP_OPTS=-Xmx128m", "kafka", "/opt/kafka/bin/kafka-metadata-quorum.sh",
                     "--bootstrap-server", "localhost:9092", "describe", "--status").stdout
    voters = re.search(r"CurrentVoters:\s*(\[.*\])", quorum).group(1)
    ring = compose("exec", "-T", "cassandra", "nodetool", "status").stdout
    workers = requests.get(f"{SPARK_UI_URL}/json/", timeout=10).json()["workers"]
    nodes = {
        "kafka": voters.count('"id"'),
        "cassandra": len(re.findall(r"^UN ", ring, re.MULTILINE)),
        "spark_workers": sum(worker["state"] == "ALIVE" for worker in workers),
        "airflow_workers": sum(len(containers(worker)) for worker in AIRFLOW_WORKERS),
    }
    cluster_results["nodes"] = nodes
    assert nodes == {"kafka": 3, "cassandra": 3, "spark_workers": 2, "airflow_workers": 2}, (quorum, ring)


def test_every_node_takes_the_logins_that_cassandra_init_set(login):
    """The logins through each node in turn, each the coordinator of its quorum read: every replica
    of system_auth holds the passwords cassandra-init set, not only the node that owned the row then
    (before system_auth got its replication first, the default password's copies on other nodes
    refused the superuser's new one, and the stack failed to start 1 time in 2)."""
    # The superuser's password, where README says to read it: only cassandra-init's user may.
    superuser = compose("run", "--rm", "--no-deps", "--entrypoint", "cat", "cassandra-init",
                        f"{SECRETS}/CASSANDRA_SUPERUSER_PASSWORD").stdout
    logins = {"cassandra": superuser, login[0]: login[1]}
    for node in CASSANDRA_NODES:
        for user, password in logins.items():
            for _ in range(2):
                result = compose("exec", "-T", node, "cqlsh", "-u", user, "-p", password,
                                 "-e", "SELECT release_version FROM system.local", check=False)
                assert result.returncode == 0, (node, user, result.stdout[-300:], result.stderr[-500:])


def test_a_run_loses_nothing_with_one_node_of_each_kind_killed(api, login, cluster_results):
    run_id = api.trigger(users_count=USERS_PER_RUN)
    faults = Faults(api, run_id)
    writing = lambda: rows_of(run_id, login) > 0  # noqa: E731 - the job has written its first batch
    # fetch_users' container lives about 4 s: watched closely, and hit within its first 1.5 s.
    faults.during("fetch_users", "kafka", lambda: randomness.choice([n for k in KAFKA_NODES for n in containers(k)]),
                  delay=(0.3, 1.5), poll=0.2)
    faults.during("submit_spark", "cassandra", lambda: randomness.choice(
        [n for k in CASSANDRA_NODES for n in containers(k)]), ready=writing, delay=(0, 3))
    faults.during("submit_spark", "spark_worker", lambda: randomness.choice(containers("spark-worker")),
                  ready=writing, delay=(1, 5))
    faults.during("submit_spark", "airflow_worker", lambda: worker_running(api, run_id, "submit_spark"),
                  delay=(5, 25))
    try:
        faults.join(timeout=1800)
    finally:
        # Whatever failed, the run ends before the next test starts its own.
        api.wait_for_run(run_id)
    assert_exact(api, run_id, login, cluster_results)
    cluster_results["faults"] += faults.absorbed()
    assert {fault["kind"] for fault in faults.matrix} == {"kafka", "cassandra", "spark_worker", "airflow_worker"}
    assert all(fault["hit"] for fault in faults.matrix), f"a fault missed its task: {faults.matrix}"


def worker_running(api, run_id, task_id):
    """The Airflow worker container that runs the task: the task instance records its host name,
    which compose sets to the worker's service name."""
    hostname = api.task_instance_rows(run_id)[task_id]["hostname"]
    assert hostname in AIRFLOW_WORKERS, f"{task_id} runs on {hostname!r}, no Celery worker"
    return containers(hostname)[0]


def test_a_run_loses_nothing_with_a_cassandra_and_a_kafka_node_down_throughout(api, login, cluster_results):
    down = [randomness.choice(CASSANDRA_NODES[1:]), randomness.choice(KAFKA_NODES[1:])]
    compose("stop", *down)
    run_id = api.trigger(users_count=USERS_PER_RUN)
    try:
        api.wait_for_run(run_id)
    finally:
        compose("start", *down)
        # Read once they serve again: in CI, a node just restarted (up in gossip, still starting) was
        # one of a LOCAL_QUORUM range read's two replicas and timed it out.
        wait_until(lambda: healthy(*down), 300, f"{down} to be healthy again")
    assert_exact(api, run_id, login, cluster_results)
    cluster_results["faults"].append({"kind": "down_throughout", "node": down, "run": run_id})


def test_a_run_loses_nothing_with_the_scheduler_restarted_in_its_middle(api, login, cluster_results):
    run_id = api.trigger(users_count=USERS_PER_RUN)
    wait_until(lambda: api.task_instances(run_id).get("submit_spark", (None,))[0] == "running", 900,
               "submit_spark to run", interval=1)
    compose("restart", "airflow-scheduler")
    assert_exact(api, run_id, login, cluster_results)
    cluster_results["faults"].append({"kind": "scheduler_restart", "task": "submit_spark", "run": run_id})
