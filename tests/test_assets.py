"""The Asset that users_pipeline delivers (plugins/users_pipeline_assets.py): which task updates
it, what it names, what its events carry, and the example DAG that follows it."""

import re

import airflow  # noqa: F401 (its import puts plugins/, AIRFLOW__CORE__PLUGINS_FOLDER of conftest.py, on the path)
import pytest
import users_pipeline_assets
from airflow.dag_processing.dagbag import DagBag

from conftest import ROOT

KEYSPACE = (ROOT / "schema" / "keyspace.cql").read_text(encoding="utf-8")
MIGRATIONS = (ROOT / "schema" / "migrations.cql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dags():
    return DagBag(dag_folder=str(ROOT / "dags")).dags


def test_only_verify_cassandra_updates_the_verified_users(dags):
    outlets = {task.task_id: task.outlets for task in dags["users_pipeline"].tasks}
    verified_users = users_pipeline_assets.VERIFIED_USERS
    assert outlets == {"fetch_users": [], "submit_spark": [], "verify_cassandra": [verified_users]}


def test_the_asset_names_the_schemas_keyspace_and_users_table():
    keyspace = re.search(r"CREATE KEYSPACE IF NOT EXISTS (\w+)", KEYSPACE).group(1)
    assert f"CREATE TABLE IF NOT EXISTS {keyspace}.created_users" in MIGRATIONS
    assert users_pipeline_assets.VERIFIED_USERS.uri == f"cassandra://cassandra:9042/{keyspace}/created_users"


def test_an_event_carries_the_runs_counts_and_nothing_of_its_users():
    summary = {"task": "verify-cassandra", "run_id": "manual__1", "expected": 3, "found": 3, "rejected": 1,
               "found_digest": "3:abc", "ok": True, "profile": {"users": 3, "nationality": {"GB": 3}}}
    assert users_pipeline_assets.event_extra(summary) == {
        "run_id": "manual__1", "expected": 3, "found": 3, "rejected": 1, "found_digest": "3:abc"}


def test_the_example_consumer_follows_the_asset_and_starts_paused(dags):
    consumer = dags["users_consumer_example"]
    assert consumer.is_paused_upon_creation is True
    assert consumer.timetable.asset_condition.objects == (users_pipeline_assets.VERIFIED_USERS,)
