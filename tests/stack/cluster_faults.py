"""The cluster profile under faults: what script/cluster-e2e.sh runs on the stack that
`docker compose --env-file compose/offline.env --env-file compose/cluster.env up -d --build` started.

Each run is triggered through the REST API; nodes are killed with `docker kill` (SIGKILL, no
goodbye), as a machine that dies would leave them. After each run the test proves, with tools of its
own: the ids committed to Kafka (read_committed) for the run are exactly the run's ids in
created_users and in users_by_run, read at LOCAL_QUORUM; and nothing of a try is left: no task
container, no Spark application.

Its figures go to COMPOSE_WORK/result.json; script/compose-e2e.sh adds the peak memory and what
`down -v` left, and prints the line.
"""

import json
import os
import random
import threading
import time

import pytest

from conftest import load_dag_module

from .compose_stack import compose, docker, wait_until

# Small runs: the faults, not the volume, are under test (the default stack's tests cover volume).
USERS_PER_RUN = int(os.environ.get("CLUSTER_USERS_PER_RUN", "10000"))
SEED = int(os.environ.get("CLUSTER_FAULT_SEED", str(random.randrange(1_000_000))))
# The DAG as the stack loads it: its task containers' names and labels.
DAG = load_dag_module()
KAFKA_NODES = ["kafka", "kafka-2", "kafka-3"]
CASSANDRA_NODES = ["cassandra", "cassandra-2", "cassandra-3"]
AIRFLOW_WORKERS = ["airflow-worker-1", "airflow-worker-2"]
# How long a killed node stays down before it is started again: the run goes on without it meanwhile.
DOWN_SECONDS = 30

randomness = random.Random(SEED)


def containers(service):
    """The running containers of a compose service, by name."""
    ids = compose("ps", "-q", service).stdout.split()
    return [docker("inspect", "-f", "{{.Name}}", container).lstrip("/") for container in ids]


def address(container):
    return docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", container).split()[0]


def cassandra_contact_points():
    """Every running node's address on the stack's network (this host routes to it): the reads do
    not depend on node 1, the only one with a published port, which may be the node killed."""
    return [f"{address(name)}:9042" for node in CASSANDRA_NODES for name in containers(node)]


def committed_ids(run_id):
    """The user ids that Kafka holds for the run, as a read_committed consumer sees them: what
    fetch_users' committed transactions delivered (aborted tries' records are invisible)."""
    bootstrap = ",".join(f"{node}:9092" for node in KAFKA_NODES)
    for node in KAFKA_NODES:
        if not containers(node):
            continue
        output = compose("exec", "-T", "-e", "KAFKA_HEAP_OPTS=-Xmx256m", node,
                         "/opt/kafka/bin/kafka-console-consumer.sh", "--bootstrap-server", bootstrap,
                         "--topic", "users_created", "--from-beginning", "--isolation-level", "read_committed",
                         "--timeout-ms", "20000", check=False).stdout
        records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        return {record["id"] for record in records if record.get("run_id") == run_id}
    pytest.fail("no Kafka node is running")



def task_container_running(task_id, run_id):
    """Whether the try's container of the task runs, by the name StepOperator gives it."""
    name = DAG.container_name(task_id, run_id)
    return name in docker("ps", "--filter", f"name={name}", "--format", "{{.Names}}").split()


def task_containers():
    """Task containers still there: StepOperator's, by the one-off labels it gives them."""
    return docker("ps", "-a", "--filter", f"label=com.docker.compose.project={DAG.COMPOSE_PROJECT}",
                  "--filter", "label=com.docker.compose.oneoff=True", "--format", "{{.Names}}").split()


class Faults:
    """Kills nodes during a run, each at a random moment of the phase it belongs to, and starts each
    again DOWN_SECONDS later; records what was killed when, during which try of which task."""

    def __init__(self, api, run_id):
        self.api, self.run_id = api, run_id
        self.matrix = []
        self.errors = []
        self.threads = []

    def kill(self, kind, container, task_id, phase_started):
        """Kills the node; records the task's latest try and whether a container of the task ran then
        (a try whose Airflow worker died is no longer "running" in Airflow, but its container still
        works until the retry removes it: the fault hits that try)."""
        state, try_number = self.api.task_instances(self.run_id).get(task_id, (None, 0))
        hit = task_container_running(task_id, self.run_id)
        docker("kill", container)
        self.matrix.append({"kind": kind, "node": container, "task": task_id, "try": try_number, "state": state,
                            "hit": hit, "after_s": round(time.monotonic() - phase_started, 1)})
        threading.Timer(DOWN_SECONDS, docker, ("start", container)).start()

    def during(self, task_id, kind, pick, ready=lambda: True, delay=(2, 10), poll=1.0):
        """In a thread: once a container of task_id runs and ready() holds, waits a random delay and
        kills pick()."""

        def ready_now():
            try:
                return task_container_running(task_id, self.run_id) and ready()
            except Exception:  # noqa: BLE001 - a probe that fails (a node just killed) means "not yet"
                return False

        def inject():
            try:
                wait_until(ready_now, 900, f"{task_id} to run", interval=poll)
                started = time.monotonic()
                time.sleep(randomness.uniform(*delay))
                self.kill(kind, pick(), task_id, started)
            except Exception as error:  # reported by join(): a fault that never happened fails the test
                self.errors.append(f"{kind}: {error!r}")

        thread = threading.Thread(target=inject, daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self, timeout):
        for thread in self.threads:
            thread.join(timeout)
        assert not self.errors, self.errors

    def absorbed(self):
        """Each fault with the try that finished its task: the same try, or a retry."""
        final = self.api.task_instances(self.run_id)
        return [fault | {"finished_by_try": final[fault["task"]][1]} for fault in self.matrix]
