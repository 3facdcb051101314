"""The DAG as Airflow parses it: structure, retries, timeouts, parameters, Docker settings, secrets."""

import copy
import json
import re
from datetime import timedelta

import jinja2
import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.providers.docker.operators.docker import DockerOperator
from airflow.sdk.exceptions import ParamValidationError
from airflow.serialization.serialized_objects import DagSerialization

import conftest
from conftest import ROOT

TASK_IDS = ["fetch_users", "submit_spark", "verify_cassandra"]


@pytest.fixture(scope="module")
def dagbag():
    return DagBag(dag_folder=str(ROOT / "dags"))


@pytest.fixture(scope="module")
def dag(dagbag):
    return dagbag.dags["users_pipeline"]


def load_dag_module(monkeypatch, **environment):
    """Imports dags/users_pipeline.py afresh under the given environment (its settings are read at import)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return conftest.load_dag_module()


def test_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dags) == ["users_consumer_example", "users_erase", "users_pipeline", "users_rebuild"]


def test_three_docker_tasks_in_order(dag):
    assert [task.task_id for task in dag.topological_sort()] == TASK_IDS
    assert dag.get_task("fetch_users").downstream_task_ids == {"submit_spark"}
    assert dag.get_task("submit_spark").downstream_task_ids == {"verify_cassandra"}
    assert dag.get_task("verify_cassandra").downstream_task_ids == set()
    assert all(isinstance(task, DockerOperator) for task in dag.tasks)


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_the_steps_log_under_a_name_people_can_read(dag, task_id):
    assert dag.get_task(task_id).log.name == "airflow.task.operators.users_pipeline"


def test_a_failed_step_pushes_the_summary_it_printed_before_its_reason(monkeypatch):
    last_summary = load_dag_module(monkeypatch).last_summary
    failed_verify = ["12:00:01 INFO reading run r1", '{"found": 999, "ok": false}', "[1, 2]",
                     "verify-cassandra failed: run r1: 1 of 1000 indexed users missing"]
    assert last_summary(failed_verify) == '{"found": 999, "ok": false}'
    assert last_summary(["fetch-users failed: cannot reach Kafka at kafka:9092", "{not json"]) is None
    assert last_summary([]) is None


def test_daily_without_catchup_one_run_at_a_time(dag):
    assert dag.schedule == "@daily"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert {"users-pipeline", "kafka", "spark", "cassandra"} <= set(dag.tags)


def test_module_docstring_is_the_documentation(dag):
    assert dag.doc_md.strip().startswith("# users_pipeline")
    sections = ("## Trigger it with other parameters", "## Rerun a task safely", "/api/v2/dags/users_pipeline/dagRuns")
    for section in sections:
        assert section in dag.doc_md


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_retries_with_capped_exponential_backoff(dag, task_id):
    task = dag.get_task(task_id)
    assert task.retries >= 2
    assert task.retry_exponential_backoff > 1
    assert task.retry_delay <= task.max_retry_delay <= timedelta(minutes=10)


def test_timeouts_sized_to_each_job(dag):
    timeouts = {task.task_id: task.execution_timeout for task in dag.tasks}
    assert all(timeout is not None for timeout in timeouts.values())
    # The Spark job gets the longest, and longer than submit-spark's own limit, so that submit-spark
    # stops the application itself rather than being killed in the middle.
    spark_limit = timedelta(seconds=int(dag.get_task("submit_spark").environment["SPARK_JOB_TIMEOUT_SECONDS"]))
    assert timeouts["submit_spark"] > spark_limit
    assert timeouts["submit_spark"] >= timeouts["fetch_users"] > timeouts["verify_cassandra"]
    # fetch-users' transaction stays open no longer than the task may run (and no shorter).
    transaction = timedelta(seconds=int(dag.get_task("fetch_users").environment["KAFKA_TRANSACTION_TIMEOUT_SECONDS"]))
    assert transaction == timeouts["fetch_users"]


def test_a_run_outlives_the_retries_of_its_tasks(dag):
    # The longest a run can take when every try of every task runs into its timeout and every retry
    # waits its longest delay (exponential backoff, capped at max_retry_delay).
    worst_case = sum(
        ((task.retries + 1) * task.execution_timeout + task.retries * task.max_retry_delay for task in dag.tasks),
        timedelta(),
    )
    assert worst_case == timedelta(hours=6, minutes=10)
    assert dag.dagrun_timeout > worst_case
    # Still shorter than the schedule's day: a stuck run ends before the next one is due.
    assert dag.dagrun_timeout < timedelta(days=1)


def test_params_form_validates_users_count(dag):
    assert dag.params["users_count"] == 1000
    dag.params.validate()
    for bad in (0, 50_001, "many"):
        params = copy.deepcopy(dag.params)
        with pytest.raises(ParamValidationError):
            params["users_count"] = bad
    params = copy.deepcopy(dag.params)
    with pytest.raises(ParamValidationError):
        params["nationalities"] = "GB;fr"
    params["nationalities"] = "gb,fr"


def test_nationalities_may_be_left_empty_in_the_trigger_form(dag):
    # The UI's form treats a parameter whose type does not allow null as required, and sends null
    # for a field a person cleared: "empty for all" must get through, and reach the task as "".
    params = copy.deepcopy(dag.params)
    params["nationalities"] = None
    params.validate()
    template = dag.get_task("fetch_users").environment["RANDOMUSER_NATIONALITIES"]
    assert jinja2.Template(template).render(params={"nationalities": None}) == ""
    assert jinja2.Template(template).render(params={"nationalities": "gb,fr"}) == "gb,fr"


def test_default_users_count_comes_from_the_environment(monkeypatch):
    module = load_dag_module(monkeypatch, USERS_PIPELINE_USERS_COUNT="250")
    assert module.dag.params["users_count"] == 250


@pytest.mark.parametrize("task_id, task_variable, variable", [
    ("fetch_users", "RANDOMUSER_RATE_LIMIT_USERS", "USERS_PIPELINE_RANDOMUSER_RATE_LIMIT_USERS"),
    ("submit_spark", "STREAM_MAX_OFFSETS_PER_TRIGGER", "USERS_PIPELINE_STREAM_MAX_OFFSETS_PER_TRIGGER"),
    ("submit_spark", "SPARK_MASTER_UI_URL", "USERS_PIPELINE_SPARK_MASTER_UI_URL"),
])
def test_a_setting_with_a_default_in_its_task_is_passed_on_only_when_set(monkeypatch, task_id, task_variable, variable):
    monkeypatch.delenv(variable, raising=False)
    unset = load_dag_module(monkeypatch).dag.get_task(task_id).environment
    assert task_variable not in unset, "the task's own default must apply"
    given = load_dag_module(monkeypatch, **{variable: "0"}).dag
    assert given.get_task(task_id).environment[task_variable] == "0"


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_docker_settings_that_matter(dag, task_id):
    task = dag.get_task(task_id)
    assert task.mount_tmp_dir is False
    assert task.force_pull is False
    assert task.auto_remove in ("success", "force")
    assert task.container_name is None  # StepOperator names it per run: a fixed name would collide
    assert task.mem_limit
    assert task.network_mode == "users-pipeline"
    assert task.docker_url == "tcp://docker-proxy:2375"
    assert task.image == f"users-pipeline/{task_id.replace('_', '-')}:latest"
    assert task.environment["RUN_ID"] == "{{ run_id }}"


def test_data_passed_between_tasks(dag):
    assert dag.get_task("fetch_users").environment["USERS_COUNT"] == "{{ params.users_count }}"
    expected = dag.get_task("verify_cassandra").environment["VERIFY_EXPECTED_DIGEST"]
    summary = '{"task":"fetch-users","produced":1234,"rejected":2,"ids_digest":"1234:0123456789abcdef"}'

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.filters.update(dag.user_defined_filters)
    rendered = environment.from_string(expected).render(ti=conftest.TaskDone("fetch_users", summary))
    assert rendered == "1234:0123456789abcdef"


def test_checkpoint_is_a_named_volume(monkeypatch):
    volume = load_dag_module(monkeypatch).dag.get_task("submit_spark").mounts[0]
    assert (volume["Type"], volume["Source"], volume["Target"]) == (
        "volume", "users-pipeline-spark-checkpoints", "/checkpoints")


def test_a_checkpoint_on_a_hadoop_file_system_mounts_no_volume(monkeypatch):
    # The cluster profile: the driver may run on any worker's host, so the checkpoint lives where
    # every host reaches it, and a host's volume would be a second, diverging checkpoint.
    dag = load_dag_module(monkeypatch, USERS_PIPELINE_CHECKPOINT_URI="hdfs://hdfs-namenode:8020/users-pipeline").dag
    submit_spark = dag.get_task("submit_spark")
    assert submit_spark.mounts == []
    assert submit_spark.environment["STREAM_CHECKPOINT_LOCATION"] == "hdfs://hdfs-namenode:8020/users-pipeline/users_created"


def test_the_job_gets_no_replication_as_it_creates_no_schema(monkeypatch):
    # migrate-schema creates and alters the schema; the job only checks it.
    dag = load_dag_module(monkeypatch, USERS_PIPELINE_CASSANDRA_LOCAL_DC="dc1").dag
    environment = dag.get_task("submit_spark").environment
    assert "CASSANDRA_REPLICATION" not in environment
    assert environment["CASSANDRA_LOCAL_DC"] == "dc1"


def test_a_checkpoint_uri_without_a_scheme_is_refused(monkeypatch):
    # A path would be local to whichever host the driver runs on: a second, diverging checkpoint.
    with pytest.raises(ValueError, match="USERS_PIPELINE_CHECKPOINT_URI"):
        load_dag_module(monkeypatch, USERS_PIPELINE_CHECKPOINT_URI="/srv/checkpoints")


def test_a_host_path_as_checkpoint_volume_is_refused(monkeypatch):
    # The stack's socket proxy refuses bind mounts, and compose gives the volume this as its name.
    with pytest.raises(ValueError, match="USERS_PIPELINE_CHECKPOINT_VOLUME"):
        load_dag_module(monkeypatch, USERS_PIPELINE_CHECKPOINT_VOLUME="/srv/checkpoints")


def test_cassandra_password_only_in_private_environment(monkeypatch):
    secret = "pw-7f3a9c"
    dag = load_dag_module(monkeypatch, USERS_PIPELINE_CASSANDRA_USERNAME="app",
                          USERS_PIPELINE_CASSANDRA_PASSWORD=secret).dag
    for task_id in ("submit_spark", "verify_cassandra"):
        task = dag.get_task(task_id)
        assert task._private_environment == {"CASSANDRA_USERNAME": "app", "CASSANDRA_PASSWORD": secret}
        assert secret not in json.dumps(task.environment)
    # What the scheduler stores and the UI shows.
    assert secret not in json.dumps(DagSerialization.to_dict(dag), default=str)


def test_verify_logs_in_as_the_read_only_role_when_one_is_given(monkeypatch):
    dag = load_dag_module(monkeypatch, USERS_PIPELINE_CASSANDRA_USERNAME="app",
                          USERS_PIPELINE_CASSANDRA_PASSWORD="pw-app",
                          USERS_PIPELINE_CASSANDRA_READER_USERNAME="reader",
                          USERS_PIPELINE_CASSANDRA_READER_PASSWORD="pw-reader").dag
    assert dag.get_task("verify_cassandra")._private_environment == {
        "CASSANDRA_USERNAME": "reader", "CASSANDRA_PASSWORD": "pw-reader"}
    assert dag.get_task("submit_spark")._private_environment == {
        "CASSANDRA_USERNAME": "app", "CASSANDRA_PASSWORD": "pw-app"}


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_a_task_container_is_a_one_off_of_its_compose_service(dag, task_id):
    """So that `docker compose down -v --remove-orphans` removes one that a killed try left, and
    `up` leaves a running one alone."""
    labels = dag.get_task(task_id).labels
    assert labels["com.docker.compose.project"] == "users-pipeline"
    # The compose service that builds the task's image.
    assert labels["com.docker.compose.service"] == task_id.replace("_", "-")
    assert labels["com.docker.compose.oneoff"] == "True"
    assert "com.docker.compose.config-hash" in labels


def test_one_container_name_per_run_and_task(monkeypatch):
    module = load_dag_module(monkeypatch)
    scheduled = "scheduled__2026-12-06T00:00:00+00:00"
    name = module.container_name("submit_spark", scheduled)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]+", name), "a Docker container name"
    assert name == module.container_name("submit_spark", scheduled), "every try of the run finds it"
    assert name.startswith("users-pipeline-submit_spark-scheduled__2026-12-06T00-00-00-00-00-")
    # Run ids that read the same once made a name still get names of their own.
    assert module.container_name("submit_spark", "manual__a:b") != module.container_name("submit_spark", "manual__a-b")
    assert module.container_name("fetch_users", scheduled) != name
