"""The running compose stack, as its users reach it: the Airflow REST API v2 with a token, the UIs and
Cassandra on their 127.0.0.1 ports, `docker compose` for what an operator does by hand.

script/compose-e2e.sh starts the stack (`docker compose --env-file compose/offline.env up -d --build`,
and compose/cluster.env after it for script/cluster-e2e.sh) and runs the tests of this folder or of
tests/cluster; COMPOSE_WORK is where they leave their results, DOCKER the docker CLI.
"""

import copy
import json
import os
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("COMPOSE_WORK", ROOT / "target" / "compose-e2e"))
DAG_ID = "users_pipeline"
AIRFLOW_PORT = os.environ.get("AIRFLOW_PORT", "8080")
AIRFLOW_URL = f"http://127.0.0.1:{AIRFLOW_PORT}"
SPARK_UI_URL = f"http://127.0.0.1:{os.environ.get('SPARK_UI_PORT', '8082')}"
CASSANDRA = f"127.0.0.1:{os.environ.get('CASSANDRA_PORT', '9042')}"
# The randomuser stand-in that script/compose-e2e.sh starts beside the stack.
RANDOMUSER_URL = f"http://127.0.0.1:{os.environ.get('RANDOMUSER_PORT', '8099')}"
# The stack's mail catcher, where the alerts land (its REST API).
MAILPIT_URL = f"http://127.0.0.1:{os.environ.get('MAILPIT_PORT', '8025')}"
ADMIN = os.environ.get("AIRFLOW_ADMIN_USERNAME", "admin")
SECRETS = "/run/users-pipeline-secrets"
FINAL_STATES = {"success", "failed"}


def compose(*args, check=True, input=None):
    """`docker compose` as README runs it here: with the offline image set, and the env files that
    script/compose-e2e.sh started the stack with (COMPOSE_ENV_FILES)."""
    command = [os.environ.get("DOCKER", "docker"), "compose", *args]
    environment = {"COMPOSE_ENV_FILES": "compose/offline.env"} | dict(os.environ)
    return subprocess.run(command, cwd=ROOT, check=check, capture_output=True, text=True, timeout=600, input=input,
                          env=environment)


def healthy(*services):
    """Whether every one of the services runs and passes its healthcheck (a stopped one is not listed)."""
    states = compose("ps", "--format", "{{.Health}}", *services).stdout.split()
    return len(states) == len(services) and set(states) == {"healthy"}


def docker(*args):
    """The docker CLI on the stack's host, as an operator uses it; its output."""
    command = [os.environ.get("DOCKER", "docker"), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout.strip()


def secret(name):
    """A secret of the stack, read where README says to read it (the secrets volume)."""
    return compose("exec", "-T", "airflow-apiserver", "cat", f"{SECRETS}/{name}").stdout


def active_spark_applications():
    """The applications that the Spark master lists as active, through its UI's JSON."""
    return requests.get(f"{SPARK_UI_URL}/json/", timeout=10).json()["activeapps"]


def wait_until(condition, timeout, what, interval=3):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(interval)


class AirflowApi:
    """Airflow's REST API v2 with a bearer token, as README shows it."""

    def __init__(self, password):
        response = requests.post(f"{AIRFLOW_URL}/auth/token", json={"username": ADMIN, "password": password},
                                 timeout=30)
        assert response.status_code == 201, f"no token: {response.status_code} {response.text}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    dag_id = DAG_ID

    def of_dag(self, dag_id):
        """The same API, its calls about another DAG."""
        other = copy.copy(self)
        other.dag_id = dag_id
        return other

    def call(self, method, path, **kwargs):
        """A call about the DAG (users_pipeline unless of_dag): path is under /api/v2/dags/<dag_id>."""
        return self.call_api(method, f"/dags/{self.dag_id}{path}", **kwargs)

    def call_api(self, method, path, **kwargs):
        response = self.session.request(method, f"{AIRFLOW_URL}/api/v2{path}", timeout=60, **kwargs)
        assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def asset_events(self, run_id):
        """The Asset events that a run of the DAG emitted."""
        return self.call_api("GET", "/assets/events", params={"source_dag_id": self.dag_id, "source_run_id": run_id})[
            "asset_events"]

    def trigger(self, run_id=None, logical_date=None, **conf):
        """Starts a run (its id chosen by Airflow unless given; no logical date unless given) and
        returns its id."""
        body = {"logical_date": logical_date, "conf": conf} | ({"dag_run_id": run_id} if run_id else {})
        return self.call("POST", "/dagRuns", json=body)["dag_run_id"]

    def runs(self):
        return self.call("GET", "/dagRuns", params={"limit": 100})["dag_runs"]

    def run(self, run_id):
        return self.call("GET", f"/dagRuns/{run_id}")

    def run_state(self, run_id):
        return self.run(run_id)["state"]

    def wait_for_run(self, run_id, timeout=1500):
        return wait_until(lambda: (state := self.run_state(run_id)) in FINAL_STATES and state,
                          timeout, f"run {run_id} to end")

    def task_instance_rows(self, run_id):
        """{task_id: the task instance as the API gives it (state, try_number, start_date, end_date, …)}"""
        rows = self.call("GET", f"/dagRuns/{run_id}/taskInstances")["task_instances"]
        return {row["task_id"]: row for row in rows}

    def task_instances(self, run_id):
        """{task_id: (state, try_number)}"""
        return {task: (row["state"], row["try_number"]) for task, row in self.task_instance_rows(run_id).items()}

    def summary(self, run_id, task_id):
        """The task's XCom: its summary line, as the next task gets it."""
        value = self.call("GET", f"/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/return_value")["value"]
        return json.loads(value) if isinstance(value, str) else value

    def clear(self, run_id, task_id):
        return self.call("POST", "/clearTaskInstances", json={
            "dry_run": False, "dag_run_id": run_id, "task_ids": [task_id], "include_downstream": True,
            "include_upstream": False, "only_failed": False, "reset_dag_runs": True})

    def mark(self, run_id, task_id, state):
        """What a person does with "Mark as failed" (or success) on a task instance."""
        return self.call("PATCH", f"/dagRuns/{run_id}/taskInstances/{task_id}", json={"new_state": state})

    def log_events(self, run_id, task_id, try_number):
        """The task log of one try, through the API's log endpoint: its events, in order."""
        return self.call("GET", f"/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}",
                         params={"full_content": "true"}, headers={"Accept": "application/json"})["content"]


def rebuild_of(api, run_id):
    """Triggers users_rebuild for a run of users_pipeline: the API about users_rebuild, the rebuild's
    run id, and its final state."""
    rebuild = api.of_dag("users_rebuild")
    rebuild_run = rebuild.call("POST", "/dagRuns", json={"logical_date": None, "conf": {"run_id": run_id}})[
        "dag_run_id"]
    return rebuild, rebuild_run, rebuild.wait_for_run(rebuild_run)
