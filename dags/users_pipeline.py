"""
# users_pipeline

Fetches random users into Kafka, streams them into Cassandra with Spark, and proves that every
user of the run arrived. Each step is a Java container image (`tasks/<step>` in the repository),
run by `DockerOperator`:

1. **fetch_users**: the randomuser.me API → Kafka topic `users_created`. Summary:
   `{"produced": N, "rejected": R, "ids_digest": "N:HASH", …}`; `ids_digest` is the count and an
   order-independent hash of the ids produced.
2. **submit_spark**: submits the stream-users Spark job to the standalone master (client mode) and
   follows it; the job moves everything new in `users_created` into Cassandra's `created_users`,
   then stops. Summary: `{"state": "FINISHED", "written": W, "rejected": R, …}`.
3. **verify_cassandra**: reads this run's user ids in Cassandra; fails unless they are exactly the
   ids fetch_users produced (same `ids_digest`: none lost, none foreign) and each user's row is in
   `created_users`. Summary: `{"expected": N, "found": N, "found_digest": "N:HASH", "ok": true, …}`.

Each task's summary is the last line of its log and its XCom (`return_value`). A task that fails
prints its summary, when it has one, just before its one-line reason: that summary is its XCom too,
so the Users report shows what the failed try found.

## Trigger it with other parameters
*Trigger DAG* in the UI shows a form: `users_count` (1 to 50,000; the API allows 20,000 users per
5 minutes, so large runs take minutes) and `nationalities` (e.g. `gb,fr`, empty for all). From the
REST API: `POST /api/v2/dags/users_pipeline/dagRuns` with
`{"logical_date": null, "conf": {"users_count": 5000}}`.

## Rerun a task safely
*Clear* any task (with or without its downstream tasks): every step is idempotent for its run id.
fetch_users fetches the same users again (the API seed comes from the run id) and Kafka holds them
twice; submit_spark upserts by user id from a checkpoint shared by every run, so a user is stored
once; verify_cassandra only reads.
"""

import hashlib
import json
import os
import re
from datetime import timedelta

import pendulum
from airflow.providers.docker.exceptions import DockerContainerFailedException
from airflow.providers.docker.operators.docker import DockerOperator
from airflow.sdk import DAG, AsyncCallback, DeadlineAlert, DeadlineReference, Param, task
from airflow.sdk.exceptions import AirflowFailException
from docker.errors import NotFound
from docker.types import Mount
from users_pipeline_alerts import RunLateAlert, TaskFailedAlert
from users_pipeline_assets import VERIFIED_USERS, event_extra

# Where the stack runs: the defaults match docker-compose.yml; anything else comes from the
# Airflow containers' environment.
DOCKER_URL = os.getenv("USERS_PIPELINE_DOCKER_URL", "tcp://docker-proxy:2375")
DOCKER_NETWORK = os.getenv("USERS_PIPELINE_DOCKER_NETWORK", "users-pipeline")
# The compose project the task containers belong to, so that `docker compose down --remove-orphans`
# removes one that a killed try left (docker-compose.yml's name).
COMPOSE_PROJECT = os.getenv("USERS_PIPELINE_COMPOSE_PROJECT", "users-pipeline")
FETCH_USERS_IMAGE = os.getenv("USERS_PIPELINE_FETCH_USERS_IMAGE", "users-pipeline/fetch-users:latest")
SUBMIT_SPARK_IMAGE = os.getenv("USERS_PIPELINE_SUBMIT_SPARK_IMAGE", "users-pipeline/submit-spark:latest")
VERIFY_CASSANDRA_IMAGE = os.getenv(
    "USERS_PIPELINE_VERIFY_CASSANDRA_IMAGE", "users-pipeline/verify-cassandra:latest"
)
ERASE_USER_IMAGE = os.getenv("USERS_PIPELINE_ERASE_USER_IMAGE", "users-pipeline/erase-user:latest")
RANDOMUSER_URL = os.getenv("USERS_PIPELINE_RANDOMUSER_URL", "https://randomuser.me/api/1.4/")


def when_set(task_variable, variable):
    """{task_variable: value} when this environment sets `variable`, else nothing: the task's own
    default then applies, and stays its one definition."""
    value = os.getenv(variable)
    return {task_variable: value} if value else {}


# Users per 5 minutes (fetch-users' default: the real API's limit).
RANDOMUSER_RATE_LIMIT = when_set("RANDOMUSER_RATE_LIMIT_USERS", "USERS_PIPELINE_RANDOMUSER_RATE_LIMIT_USERS")
# Records per micro-batch of the job (its default: all that is new).
STREAM_MAX_OFFSETS = when_set("STREAM_MAX_OFFSETS_PER_TRIGGER", "USERS_PIPELINE_STREAM_MAX_OFFSETS_PER_TRIGGER")
KAFKA_BOOTSTRAP_SERVERS = os.getenv("USERS_PIPELINE_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
KAFKA_REPLICATION_FACTOR = os.getenv("USERS_PIPELINE_KAFKA_REPLICATION_FACTOR", "1")
SPARK_MASTER_URL = os.getenv("USERS_PIPELINE_SPARK_MASTER_URL", "spark://spark-master:7077")
# The master's web UI, where submit-spark kills an earlier try's application of the run (its
# default: the master's host, port 8080).
SPARK_MASTER_UI = when_set("SPARK_MASTER_UI_URL", "USERS_PIPELINE_SPARK_MASTER_UI_URL")
CASSANDRA_CONTACT_POINTS = os.getenv("USERS_PIPELINE_CASSANDRA_CONTACT_POINTS", "cassandra:9042")
# The data center the tasks' Cassandra driver sends requests to (SimpleSnitch's one is datacenter1).
CASSANDRA_LOCAL_DC = os.getenv("USERS_PIPELINE_CASSANDRA_LOCAL_DC", "datacenter1")
# The Spark checkpoint: a named volume that the DAG mounts at CHECKPOINT_DIR into the submit_spark
# container (the stack's socket proxy refuses bind mounts; the Spark workers mount it at the same
# path); or, with no volume, CHECKPOINT_URI: a Hadoop file system URI (hdfs://, s3a://) that every
# host reaches, as in the cluster profile, where the driver and the executors run on any host.
CHECKPOINT_VOLUME = os.getenv("USERS_PIPELINE_CHECKPOINT_VOLUME", "users-pipeline-spark-checkpoints")
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", CHECKPOINT_VOLUME):
    raise ValueError(f"USERS_PIPELINE_CHECKPOINT_VOLUME={CHECKPOINT_VOLUME!r} must be a Docker volume name, not a path")
CHECKPOINT_DIR = os.getenv("USERS_PIPELINE_CHECKPOINT_DIR", "/checkpoints")
CHECKPOINT_URI = os.getenv("USERS_PIPELINE_CHECKPOINT_URI", "")
if CHECKPOINT_URI and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", CHECKPOINT_URI):
    raise ValueError(f"USERS_PIPELINE_CHECKPOINT_URI={CHECKPOINT_URI!r} must be a URI such as hdfs://namenode:8020/dir")
DEFAULT_USERS_COUNT = int(os.getenv("USERS_PIPELINE_USERS_COUNT", "1000"))
# A run not verified this long after its logical date raises an alert, even while it still runs.
# 0 turns that alert off (`airflow dags test` of Airflow 3.3.2 fails to end a run that has a deadline:
# tests/e2e runs without it).
LATE_AFTER_MINUTES = int(os.getenv("USERS_PIPELINE_LATE_AFTER_MINUTES", "120"))
NOT_VERIFIED_IN_TIME = (
    DeadlineAlert(reference=DeadlineReference.DAGRUN_LOGICAL_DATE, interval=timedelta(minutes=LATE_AFTER_MINUTES),
                  callback=AsyncCallback(RunLateAlert), name="users_pipeline_not_verified_in_time")
    if LATE_AFTER_MINUTES else None
)
RETRIES = int(os.getenv("USERS_PIPELINE_RETRIES", "3"))
RETRY_DELAY = timedelta(seconds=int(os.getenv("USERS_PIPELINE_RETRY_DELAY_SECONDS", "60")))

# Secrets go to the containers as private_environment: neither templated nor shown in the UI.
# The pipeline's role reads and writes rows; verify gets the read-only role when one is given
# (compose/cassandra-init.sh creates both), else the same login.
CASSANDRA_CREDENTIALS = {
    "CASSANDRA_USERNAME": os.getenv("USERS_PIPELINE_CASSANDRA_USERNAME", ""),
    "CASSANDRA_PASSWORD": os.getenv("USERS_PIPELINE_CASSANDRA_PASSWORD", ""),
}
CASSANDRA_READER_CREDENTIALS = (
    {
        "CASSANDRA_USERNAME": os.getenv("USERS_PIPELINE_CASSANDRA_READER_USERNAME"),
        "CASSANDRA_PASSWORD": os.getenv("USERS_PIPELINE_CASSANDRA_READER_PASSWORD", ""),
    }
    if os.getenv("USERS_PIPELINE_CASSANDRA_READER_USERNAME")
    else CASSANDRA_CREDENTIALS
)

# How long submit-spark lets the job run before stopping it; the task's timeout leaves it room to.
SPARK_JOB_TIMEOUT = timedelta(minutes=25)
FETCH_USERS_TIMEOUT = timedelta(minutes=30)
SUBMIT_SPARK_TIMEOUT = SPARK_JOB_TIMEOUT + timedelta(minutes=5)
VERIFY_CASSANDRA_TIMEOUT = timedelta(minutes=10)
MAX_RETRY_DELAY = timedelta(minutes=10)
# How long an earlier try's container gets to stop after SIGTERM, before SIGKILL.
STOP_TIMEOUT_SECONDS = 30
# A run must outlive its tasks' retries, or Airflow fails it while a retry would still succeed: every
# try of every task at its timeout, every retry after its longest delay, plus an hour for queueing.
DAGRUN_TIMEOUT = (
    (RETRIES + 1) * (FETCH_USERS_TIMEOUT + SUBMIT_SPARK_TIMEOUT + VERIFY_CASSANDRA_TIMEOUT)
    + 3 * RETRIES * MAX_RETRY_DELAY
    + timedelta(hours=1)
)


def last_summary(log_lines):
    """The last log line that is a JSON object: a task's summary (TaskMain prints it on stdout)."""
    for line in reversed(log_lines):
        try:
            if isinstance(json.loads(line), dict):
                return line
        except ValueError:
            continue
    return None


def container_name(task_id, run_id):
    """One container name per run and task: a try finds by it the container an earlier try left
    (Docker names allow [A-Za-z0-9_.-]; the digest keeps run ids that differ elsewhere apart)."""
    readable = re.sub(r"[^A-Za-z0-9_.-]", "-", run_id)[:100]
    return f"{COMPOSE_PROJECT}-{task_id}-{readable}-{hashlib.sha256(run_id.encode()).hexdigest()[:8]}"


class StepOperator(DockerOperator):
    """The steps' operator.
    - Never two tries' containers side by side: a try first stops and removes the container of an
      earlier try of its run that is still there (its operator died with a scheduler or worker, so
      nobody else would), then starts its own under the same name.
    - Its containers carry the compose project's one-off labels, as `docker compose run` gives:
      `docker compose down -v --remove-orphans` removes a leftover one, and frees the volumes it holds.
    - DockerOperator pushes the last log line as the XCom on success only; this one also pushes a
      failed try's summary, with its reason (a retry's start clears it).
    - A step with outlets updates them on success only (Airflow emits no event for a failed try),
      each event carrying the summary's counts."""

    def __init__(self, *, task_id, labels=None, **kwargs):
        compose_labels = {
            "com.docker.compose.project": COMPOSE_PROJECT,
            "com.docker.compose.service": task_id.replace("_", "-"),
            "com.docker.compose.oneoff": "True",
            # Compose lists only containers that carry it.
            "com.docker.compose.config-hash": "",
        }
        super().__init__(task_id=task_id, labels={**compose_labels, **(labels or {})}, **kwargs)

    def execute(self, context):
        self.container_name = container_name(self.task_id, context["run_id"])
        self.remove_earlier_try()
        try:
            summary = super().execute(context)
        except DockerContainerFailedException as failure:
            summary = last_summary(failure.logs or [])
            if summary is not None:
                context["ti"].xcom_push(key="return_value", value=summary)
            raise
        for outlet in self.outlets:
            context["outlet_events"][outlet].extra = event_extra(json.loads(summary))
        return summary

    def remove_earlier_try(self):
        try:
            state = self.cli.inspect_container(self.container_name)["State"]["Status"]
        except NotFound:
            return
        self.log.warning("an earlier try's container %s is still there (%s): stopping and removing it first",
                         self.container_name, state)
        # SIGTERM first: submit-spark then stops its Spark application before it exits.
        self.cli.stop(self.container_name, timeout=STOP_TIMEOUT_SECONDS)
        self.cli.remove_container(self.container_name, force=True)


# The steps' settings, in both DAGs.
STEP_DEFAULTS = {
    "retries": RETRIES,
    "retry_delay": RETRY_DELAY,
    "retry_exponential_backoff": 2.0,
    # Once a task has failed for good (not on a try that will be retried): the operators hear of it.
    "on_failure_callback": [TaskFailedAlert()],
    "max_retry_delay": MAX_RETRY_DELAY,
    # DockerOperator settings that matter: the containers' images are built locally, never
    # pulled; no temporary host directory (the Docker host is not the Airflow host); the
    # container's name is StepOperator's, one per run and task.
    "docker_url": DOCKER_URL,
    "network_mode": DOCKER_NETWORK,
    "force_pull": False,
    "mount_tmp_dir": False,
    "auto_remove": "force",
    # The containers' lines go out under this logger, not one named after this file's module
    # (Airflow imports a DAG file as unusual_prefix_<hash>_users_pipeline).
    "logger_name": "users_pipeline",
}

# The Spark job's submission and the verifier, as both DAGs run them.
SPARK_JOB = {
    "RUN_ID": "{{ run_id }}",
    "SPARK_MASTER_URL": SPARK_MASTER_URL,
    **SPARK_MASTER_UI,
    "KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP_SERVERS,
    "CASSANDRA_CONTACT_POINTS": CASSANDRA_CONTACT_POINTS,
    "CASSANDRA_LOCAL_DC": CASSANDRA_LOCAL_DC,
    "SPARK_JOB_TIMEOUT_SECONDS": str(int(SPARK_JOB_TIMEOUT.total_seconds())),
}
SPARK_JOB_STEP = {
    "image": SUBMIT_SPARK_IMAGE,
    "private_environment": CASSANDRA_CREDENTIALS,
    "mem_limit": "2g",
    "execution_timeout": SUBMIT_SPARK_TIMEOUT,
}
CASSANDRA = {"CASSANDRA_CONTACT_POINTS": CASSANDRA_CONTACT_POINTS, "CASSANDRA_LOCAL_DC": CASSANDRA_LOCAL_DC}
VERIFY_STEP = {
    "image": VERIFY_CASSANDRA_IMAGE,
    "private_environment": CASSANDRA_READER_CREDENTIALS,
    "mem_limit": "512m",
    "execution_timeout": VERIFY_CASSANDRA_TIMEOUT,
}
# How much wider than fetch_users' try the rebuild reads Kafka: the records carry the producer's clock.
REBUILD_MARGIN = timedelta(minutes=5)

# A user id as created_users keys it (fetch-users' lower-case login.uuid).
USER_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

ERASE_DOC = """
# users_erase

Erases one person on request. Trigger it with their user id (`{"user_id": "6577ccfc-…"}`); find
the id of an email with cqlsh: `SELECT id FROM spark_streams.created_users WHERE email = '…'
ALLOW FILTERING;`. Not the email itself: a run's parameters stay in Airflow's database, so an email
given here would be personal data that nothing erases.

**erase_user** (the erase-user image) lists the id in `erased_users` first: from then on, the job
and every rebuild drop the person's records, so neither a replay nor a late Kafka record brings
them back. Then it deletes their rows from `created_users`, `users_by_run` and `rejected_users`,
reads every table again, and fails unless none is left. It logs the id and counts only. Kafka
keeps the person's records until retention deletes them (`USERS_PIPELINE_KAFKA_RETENTION_HOURS`).
"""

REBUILD_DOC = """
# users_rebuild

Brings one `users_pipeline` run's users back from Kafka into Cassandra, e.g. after rows were lost,
and proves it. Trigger it with the run's id (`{"run_id": "scheduled__2026-12-01T00:00:00+00:00"}`):

1. **find_run**: reads the run's fetch_users summary (its XCom): the run's `ids_digest`, and when
   the records were produced.
2. **rebuild_users**: the stream-users job in rebuild mode (submit-spark, as submit_spark runs it):
   one bounded read of the topic between the offsets of those times, the run id as a filter. It
   writes nothing unless the records give the run's `ids_digest`: records that Kafka's retention
   (`USERS_PIPELINE_KAFKA_RETENTION_HOURS`) has deleted fail it with that reason. The daily job's
   checkpoint is not touched.
3. **verify_cassandra**: verifies the run against its original `ids_digest`.
"""


with DAG(
    dag_id="users_pipeline",
    description="randomuser.me → Kafka → Spark Structured Streaming → Cassandra, verified",
    doc_md=__doc__,
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=DAGRUN_TIMEOUT,
    deadline=NOT_VERIFIED_IN_TIME,
    tags=["users-pipeline", "kafka", "spark", "cassandra"],
    params={
        "users_count": Param(
            DEFAULT_USERS_COUNT, type="integer", minimum=1, maximum=50_000,
            title="Users", description="How many users to fetch in this run.",
        ),
        "nationalities": Param(
            # Nullable: the UI's form requires a parameter that cannot be null, and sends null
            # for a cleared field.
            "", type=["null", "string"], pattern="^([a-z]{2}(,[a-z]{2})*)?$",
            title="Nationalities", description="The API's nat codes, e.g. gb,fr; empty for all.",
        ),
    },
    user_defined_filters={"from_json": json.loads},
    default_args=STEP_DEFAULTS,
) as dag:
    fetch_users = StepOperator(
        task_id="fetch_users",
        image=FETCH_USERS_IMAGE,
        environment={
            "RUN_ID": "{{ run_id }}",
            "USERS_COUNT": "{{ params.users_count }}",
            "RANDOMUSER_NATIONALITIES": "{{ params.nationalities or '' }}",
            "RANDOMUSER_URL": RANDOMUSER_URL,
            **RANDOMUSER_RATE_LIMIT,
            "KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP_SERVERS,
            "KAFKA_REPLICATION_FACTOR": KAFKA_REPLICATION_FACTOR,
            # The run's Kafka transaction lives as long as the task may: a killed try's open
            # transaction holds back the job's reads until the retry starts or this passes.
            "KAFKA_TRANSACTION_TIMEOUT_SECONDS": str(int(FETCH_USERS_TIMEOUT.total_seconds())),
        },
        mem_limit="1g",
        execution_timeout=FETCH_USERS_TIMEOUT,
    )

    submit_spark = StepOperator(
        task_id="submit_spark",
        environment={
            **SPARK_JOB,
            # One checkpoint for every run: each submission streams what is new since the last one.
            "STREAM_CHECKPOINT_LOCATION": f"{CHECKPOINT_URI or CHECKPOINT_DIR}/users_created",
            **STREAM_MAX_OFFSETS,
        },
        mounts=[] if CHECKPOINT_URI else [Mount(target=CHECKPOINT_DIR, source=CHECKPOINT_VOLUME, type="volume")],
        **SPARK_JOB_STEP,
    )

    verify_cassandra = StepOperator(
        task_id="verify_cassandra",
        environment={
            **CASSANDRA,
            "RUN_ID": "{{ run_id }}",
            "VERIFY_EXPECTED_DIGEST": "{{ (ti.xcom_pull(task_ids='fetch_users') | from_json).ids_digest }}",
        },
        # Proven runs only: the DAGs scheduled on it follow verified users.
        outlets=[VERIFIED_USERS],
        **VERIFY_STEP,
    )

    fetch_users >> submit_spark >> verify_cassandra


def rebuild_range(fetch_summary, run_id):
    """What the rebuild of `run_id` reads and checks, from its fetch_users summary (JSON text, or None
    when the run never produced): the digest, and the Kafka timestamps of the try that produced it,
    widened by REBUILD_MARGIN."""
    if fetch_summary is None:
        raise AirflowFailException(f"users_pipeline has no run {run_id!r} whose fetch_users succeeded:"
                                   " nothing to rebuild")
    summary = json.loads(fetch_summary)
    if "started_at" not in summary:
        raise AirflowFailException(f"the fetch_users summary of run {run_id!r} has no started_at (it is older than "
                                   "users_rebuild): its records cannot be found by time")
    started = pendulum.parse(summary["started_at"])
    return {
        "ids_digest": summary["ids_digest"],
        "from": (started - REBUILD_MARGIN).to_iso8601_string(),
        "until": (started + timedelta(seconds=summary["seconds"]) + REBUILD_MARGIN).to_iso8601_string(),
    }


with DAG(
    dag_id="users_rebuild",
    description="Brings one users_pipeline run's users back from Kafka into Cassandra, verified",
    doc_md=REBUILD_DOC,
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    # Each rebuild's application is alone on the Spark master's cores, as a daily run's is.
    max_active_runs=1,
    dagrun_timeout=DAGRUN_TIMEOUT,
    tags=["users-pipeline", "kafka", "spark", "cassandra", "rebuild"],
    params={
        "run_id": Param(
            type="string", pattern=r"^[A-Za-z0-9_.~:+-]{1,250}$", title="Run",
            description="The users_pipeline run to bring back, e.g. scheduled__2026-12-01T00:00:00+00:00.",
        ),
    },
    default_args=STEP_DEFAULTS,
) as rebuild_dag:

    @task(task_id="find_run")
    def find_run(params, ti):
        run_id = params["run_id"]
        found = rebuild_range(ti.xcom_pull(dag_id=dag.dag_id, run_id=run_id, task_ids="fetch_users"), run_id)
        print(f"run {run_id}: {found}")
        return found

    found_run = find_run()
    rebuild_users = StepOperator(
        task_id="rebuild_users",
        environment={
            **SPARK_JOB,
            "STREAM_REBUILD_RUN_ID": "{{ params.run_id }}",
            "STREAM_REBUILD_EXPECTED_DIGEST": "{{ ti.xcom_pull(task_ids='find_run')['ids_digest'] }}",
            "STREAM_REBUILD_FROM": "{{ ti.xcom_pull(task_ids='find_run')['from'] }}",
            "STREAM_REBUILD_UNTIL": "{{ ti.xcom_pull(task_ids='find_run')['until'] }}",
        },
        **SPARK_JOB_STEP,
    )
    verify_rebuilt = StepOperator(
        task_id="verify_cassandra",
        environment={
            **CASSANDRA,
            # The rebuilt run, against the digest its fetch_users produced.
            "RUN_ID": "{{ params.run_id }}",
            "VERIFY_EXPECTED_DIGEST": "{{ ti.xcom_pull(task_ids='find_run')['ids_digest'] }}",
        },
        **VERIFY_STEP,
    )
    found_run >> rebuild_users >> verify_rebuilt


with DAG(
    dag_id="users_erase",
    description="Erases one person from Cassandra, for good",
    doc_md=ERASE_DOC,
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    dagrun_timeout=DAGRUN_TIMEOUT,
    tags=["users-pipeline", "cassandra", "erasure"],
    params={
        "user_id": Param(
            type="string", pattern=USER_ID_PATTERN, title="User id",
            description="The person's id in created_users (lower-case UUID); not an email.",
        ),
    },
    default_args=STEP_DEFAULTS,
) as erase_dag:
    StepOperator(
        task_id="erase_user",
        image=ERASE_USER_IMAGE,
        environment={**CASSANDRA, "RUN_ID": "{{ run_id }}", "ERASE_USER_ID": "{{ params.user_id }}"},
        private_environment=CASSANDRA_CREDENTIALS,
        mem_limit="512m",
        execution_timeout=VERIFY_CASSANDRA_TIMEOUT,
    )
