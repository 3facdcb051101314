"""users_rebuild as Airflow parses it: what it reads of the run to rebuild, and what its steps get."""

import copy
import json

import jinja2
import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.exceptions import AirflowFailException, ParamValidationError

import conftest
from conftest import ROOT

FOUND = {"ids_digest": "3:0123456789abcdef", "from": "2026-12-06T09:55:00.5Z", "until": "2026-12-06T10:05:05Z"}


@pytest.fixture(scope="module")
def dag():
    return DagBag(dag_folder=str(ROOT / "dags")).dags["users_rebuild"]


@pytest.fixture(scope="module")
def rebuild_range():
    return conftest.load_dag_module().rebuild_range


def test_find_then_rebuild_then_verify(dag):
    assert [task.task_id for task in dag.topological_sort()] == ["find_run", "rebuild_users", "verify_cassandra"]
    assert dag.schedule is None


def test_a_rebuild_reads_the_producing_try_widened_by_five_minutes(rebuild_range):
    summary = {"produced": 3, "ids_digest": "3:0123456789abcdef", "started_at": "2026-12-06T10:00:00.500Z",
               "seconds": 4.5}
    assert rebuild_range(json.dumps(summary), "r1") == {
        "ids_digest": "3:0123456789abcdef", "from": "2026-12-06T09:55:00.500000Z", "until": "2026-12-06T10:05:05Z"}


def test_a_run_without_a_successful_fetch_is_refused_with_the_reason(rebuild_range):
    with pytest.raises(AirflowFailException, match="users_pipeline has no run 'r1' whose fetch_users succeeded"):
        rebuild_range(None, "r1")
    older = json.dumps({"produced": 3, "ids_digest": "3:0123456789abcdef", "seconds": 4.5})
    with pytest.raises(AirflowFailException, match="has no started_at"):
        rebuild_range(older, "r1")


def test_the_run_to_rebuild_must_be_given(dag):
    with pytest.raises(ParamValidationError):
        copy.deepcopy(dag.params).validate()
    params = copy.deepcopy(dag.params)
    with pytest.raises(ParamValidationError):
        params["run_id"] = "run 1"
    params["run_id"] = "scheduled__2026-12-01T00:00:00+00:00"
    params.validate()


def render(template, run_id="manual__rebuild"):
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return environment.from_string(template).render(
        ti=conftest.TaskDone("find_run", FOUND), params={"run_id": "scheduled__2026-12-01T00:00:00+00:00"},
        run_id=run_id)


def test_the_job_rebuilds_the_run_found_without_the_checkpoint(dag):
    task = dag.get_task("rebuild_users")
    environment = {name: render(value) for name, value in task.environment.items()}
    assert environment["STREAM_REBUILD_RUN_ID"] == "scheduled__2026-12-01T00:00:00+00:00"
    assert environment["STREAM_REBUILD_EXPECTED_DIGEST"] == FOUND["ids_digest"]
    assert (environment["STREAM_REBUILD_FROM"], environment["STREAM_REBUILD_UNTIL"]) == (FOUND["from"], FOUND["until"])
    # Its own run id names its Spark application: a retry stops its own earlier try's, nobody else's.
    assert environment["RUN_ID"] == "manual__rebuild"
    assert "STREAM_CHECKPOINT_LOCATION" not in environment
    assert task.mounts == []
    assert "submit-spark" in task.image


def test_verify_checks_the_rebuilt_run_against_its_original_digest(dag):
    task = dag.get_task("verify_cassandra")
    assert render(task.environment["RUN_ID"]) == "scheduled__2026-12-01T00:00:00+00:00"
    assert render(task.environment["VERIFY_EXPECTED_DIGEST"]) == FOUND["ids_digest"]
    assert "CASSANDRA_PASSWORD" in task._private_environment
