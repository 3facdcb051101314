"""Fixtures of the stack's tests (helpers in stack.py)."""

import json
import os

import pytest

from run_rows import keyspace_session, run_rows

from .compose_stack import CASSANDRA, WORK, AirflowApi, secret


@pytest.fixture(scope="session")
def admin_password():
    return secret("AIRFLOW_ADMIN_PASSWORD")


@pytest.fixture(scope="session")
def api(admin_password):
    return AirflowApi(admin_password)


@pytest.fixture(scope="session")
def cassandra_rows():
    """run_id -> (created_users rows of the run, users_by_run rows), with the pipeline's own login."""
    username = os.environ.get("USERS_PIPELINE_CASSANDRA_USERNAME", "users_pipeline")
    password = secret("USERS_PIPELINE_CASSANDRA_PASSWORD")
    return lambda run_id: run_rows(CASSANDRA, username, password, run_id)


@pytest.fixture(scope="module")
def session():
    """A CQL session on the pipeline's keyspace with its own login, for tests that change rows."""
    username = os.environ.get("USERS_PIPELINE_CASSANDRA_USERNAME", "users_pipeline")
    with keyspace_session(CASSANDRA, username, secret("USERS_PIPELINE_CASSANDRA_PASSWORD")) as cql:
        yield cql


@pytest.fixture(scope="session")
def results():
    """What the stack's tests measured; script/compose-e2e.sh prints it as its last line."""
    measured = {}
    yield measured
    if measured:
        measured["stack_healthy_seconds"] = int(os.environ.get("STACK_HEALTHY_SECONDS", "0"))
        order = ("dag_run_state", "produced", "found", "seconds", "stack_healthy_seconds")
        line = {key: measured[key] for key in order if key in measured}
        (WORK / "result.json").write_text(json.dumps(line, separators=(",", ":")))
