"""users_erase as Airflow parses it: it takes a user id, never an email, and gives it to erase-user."""

import copy

import jinja2
import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.exceptions import ParamValidationError

from conftest import ROOT

USER_ID = "6577ccfc-a3c6-49d0-bb86-ddca8faf0d11"


@pytest.fixture(scope="module")
def dag():
    return DagBag(dag_folder=str(ROOT / "dags")).dags["users_erase"]


def test_one_step_on_request(dag):
    assert [task.task_id for task in dag.tasks] == ["erase_user"]
    assert dag.schedule is None


@pytest.mark.parametrize("refused", ["someone@example.com", USER_ID.upper(), USER_ID[:-1], ""])
def test_the_person_is_named_by_user_id_only(dag, refused):
    params = copy.deepcopy(dag.params)
    with pytest.raises(ParamValidationError):
        params["user_id"] = refused
    params["user_id"] = USER_ID
    params.validate()


def test_erase_user_gets_the_id_and_the_cassandra_login_privately(dag):
    task = dag.get_task("erase_user")
    rendered = jinja2.Template(task.environment["ERASE_USER_ID"]).render(params={"user_id": USER_ID})
    assert rendered == USER_ID
    assert "erase-user" in task.image
    assert "CASSANDRA_PASSWORD" in task._private_environment
    assert "CASSANDRA_PASSWORD" not in task.environment
