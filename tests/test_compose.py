"""docker-compose.yml keeps its promises: checked on `docker compose config` (Compose v2).

Nothing is started. `docker compose config` resolves the file the way `up` would (variables from
.env.example, anchors, profiles) and fails on any error; these tests then read the resolved stack:
ports on 127.0.0.1 only, third-party images pinned, a healthcheck on every long-running service,
every dependency waiting for a condition, the names the DAG relies on (network, checkpoint volume,
images, variables), the Docker socket in the proxy only, and the cluster profile.

Needs `docker compose` v2 (script/install-compose.sh); DOCKER names another docker CLI.
"""

import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT

COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
CLUSTER_ENV = ROOT / "compose" / "cluster.env"

# What dags/users_pipeline.py reads from the Airflow containers' environment, with its defaults:
# read from the DAG itself, so a setting added there must be added here too.
DAG_DEFAULTS = dict(re.findall(r'os\.getenv\(\s*"(USERS_PIPELINE_\w+)",\s*"([^"]*)"',
                               (ROOT / "dags" / "users_pipeline.py").read_text()))
DAG_VARIABLES = sorted(DAG_DEFAULTS)
TASK_IMAGES = {
    "fetch-users": "USERS_PIPELINE_FETCH_USERS_IMAGE",
    "submit-spark": "USERS_PIPELINE_SUBMIT_SPARK_IMAGE",
    "verify-cassandra": "USERS_PIPELINE_VERIFY_CASSANDRA_IMAGE",
    "erase-user": "USERS_PIPELINE_ERASE_USER_IMAGE",
}
# Keys that every Airflow component must share: what one signs, another checks. The secrets among
# them are read from the secrets volume (Airflow's _CMD settings), never given as values.
SECRET_AIRFLOW_SETTINGS = [
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
]
SHARED_AIRFLOW_SETTINGS = [f"{setting}_CMD" for setting in SECRET_AIRFLOW_SETTINGS] + [
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
]
# Every secret of the stack: secrets-init writes each to the secrets volume, from .env or generated.
SECRETS = ["AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_API_SECRET_KEY", "AIRFLOW_ADMIN_PASSWORD",
           "POSTGRES_PASSWORD", "CASSANDRA_SUPERUSER_PASSWORD", "USERS_PIPELINE_CASSANDRA_PASSWORD",
           "USERS_PIPELINE_CASSANDRA_READER_PASSWORD", "USERS_PIPELINE_CASSANDRA_MIGRATOR_PASSWORD", "REDIS_PASSWORD"]
# The DAG's Cassandra passwords come from the secrets volume (airflow/entrypoint.sh), not as values.
DAG_SECRETS = {"USERS_PIPELINE_CASSANDRA_PASSWORD", "USERS_PIPELINE_CASSANDRA_READER_PASSWORD"}
SECRETS_DIR = "/run/users-pipeline-secrets"

# The resolved stacks under test: name -> `docker compose` options.
VARIANTS = {
    "default": ("--env-file", str(ENV_EXAMPLE)),
    "all-profiles": ("--env-file", str(ENV_EXAMPLE), "--profile", "cluster", "--profile", "kafka-ui"),
    "cluster": ("--env-file", str(ENV_EXAMPLE), "--env-file", str(CLUSTER_ENV)),
}
# Without any .env: the file's own defaults.
NO_ENV_FILE = ("--env-file", os.devnull)


@pytest.fixture(scope="module")
def compose_config():
    """Runs `docker compose <options> config --format json` in the repository root; returns the
    resolved file as a dict (cached per options). A failing `config` fails the test with its error.
    The environment is reduced to what finds the docker CLI, so no variable of the shell that runs
    the tests can change the result."""
    cache = {}
    env = {k: os.environ[k] for k in ("PATH", "HOME", "DOCKER_CONFIG") if k in os.environ}
    docker = os.environ.get("DOCKER", "docker")

    def config(*options):
        if options not in cache:
            command = [docker, "compose", "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE),
                       *options, "config", "--format", "json"]
            try:
                result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                        timeout=60)
            except FileNotFoundError:
                pytest.fail(f"{docker} not found: install Docker (and script/install-compose.sh)")
            if result.returncode != 0:
                pytest.fail(f"{' '.join(command)} failed:\n{result.stderr}")
            cache[options] = json.loads(result.stdout)
        return cache[options]

    return config


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def stack(request, compose_config):
    return compose_config(*VARIANTS[request.param])


@pytest.fixture(scope="module")
def default_stack(compose_config):
    return compose_config(*VARIANTS["default"])


@pytest.fixture(scope="module")
def cluster_stack(compose_config):
    return compose_config(*VARIANTS["cluster"])


def services(stack):
    return stack["services"]


def one_shot_services(stack):
    """Services that run to completion: waited for with service_completed_successfully, or built
    and never started (scale 0)."""
    completed = {
        name
        for service in services(stack).values()
        for name, dependency in (service.get("depends_on") or {}).items()
        if dependency["condition"] == "service_completed_successfully"
    }
    never_started = {name for name, service in services(stack).items() if service.get("scale") == 0}
    return completed | never_started


def airflow_services(stack):
    """Every Airflow component: the services that run the image airflow-init builds (secrets-init
    only borrows it for its shell)."""
    image = services(stack)["airflow-init"]["image"]
    return {name: s for name, s in services(stack).items() if s.get("image") == image and name != "secrets-init"}


def own_images(stack):
    """Images this repository builds: a service with a build section names them."""
    return {s["image"] for s in services(stack).values() if "build" in s}


def test_the_stack_resolves_under_its_project_name(stack):
    assert stack["name"] == "users-pipeline"
    assert {"airflow-apiserver", "airflow-scheduler", "kafka", "spark-master", "cassandra"} <= set(services(stack))


def test_every_published_port_is_bound_to_localhost(stack):
    published = [(name, port) for name, s in services(stack).items() for port in s.get("ports", [])]
    assert published, "the UIs must be published"
    for name, port in published:
        assert port.get("host_ip") == "127.0.0.1", f"{name} publishes {port} beyond this machine"


def test_third_party_images_are_pinned(stack):
    for name, service in services(stack).items():
        image = service["image"]
        if image in own_images(stack):
            continue
        reference = image.split("@")[0]
        tag = reference.rsplit(":", 1)[1] if ":" in reference.rsplit("/", 1)[-1] else ""
        assert "@sha256:" in image or re.search(r"\d+\.\d+", tag), \
            f"{name}: image {image} is not pinned to a version"
    for name, service in services(stack).items():
        for arg, value in (service.get("build", {}).get("args") or {}).items():
            if arg.endswith("_IMAGE"):
                assert ":" in value.rsplit("/", 1)[-1] and not value.endswith(":latest"), \
                    f"{name}: build arg {arg}={value} is not pinned"


def test_every_long_running_service_has_a_healthcheck_and_restarts(stack):
    one_shots = one_shot_services(stack)
    for name, service in services(stack).items():
        if name in one_shots:
            assert service.get("restart", "no") in ("no", "on-failure"), \
                f"one-shot {name} would be restarted after it completes"
            continue
        healthcheck = service.get("healthcheck") or {}
        assert healthcheck.get("test") and not healthcheck.get("disable"), f"{name} has no healthcheck"
        assert service.get("restart") in ("always", "unless-stopped"), f"{name} is not restarted"


def test_every_dependency_waits_for_health_or_completion(stack):
    one_shots = one_shot_services(stack)
    for name, service in services(stack).items():
        for dependency, how in (service.get("depends_on") or {}).items():
            condition = how["condition"]
            assert condition in ("service_healthy", "service_completed_successfully"), \
                f"{name} starts after {dependency} has only started ({condition})"
            target = services(stack).get(dependency)
            if target is None:
                assert how.get("required") is False, f"{name} depends on {dependency}, which is not defined"
            elif condition == "service_healthy":
                assert target.get("healthcheck", {}).get("test"), f"{dependency} has no healthcheck to wait for"
            else:
                assert dependency in one_shots


def test_the_default_network_is_the_one_the_dag_starts_tasks_on(stack):
    assert stack["networks"]["default"]["name"] == "users-pipeline"
    for name, service in airflow_services(stack).items():
        assert service["environment"]["USERS_PIPELINE_DOCKER_NETWORK"] == "users-pipeline", name


def test_the_checkpoint_volume_is_shared_by_name_with_the_spark_workers(stack):
    assert stack["volumes"]["spark-checkpoints"]["name"] == "users-pipeline-spark-checkpoints"
    environment = services(stack)["airflow-scheduler"]["environment"]
    assert environment["USERS_PIPELINE_CHECKPOINT_VOLUME"] == "users-pipeline-spark-checkpoints"
    assert environment["USERS_PIPELINE_CHECKPOINT_DIR"] == "/checkpoints"
    for name in ("spark-worker", "spark-checkpoints-init"):
        mounts = [(v["type"], v["source"], v["target"]) for v in services(stack)[name]["volumes"]]
        assert ("volume", "spark-checkpoints", "/checkpoints") in mounts, f"{name} mounts {mounts}"
    ownership = services(stack)["spark-checkpoints-init"]
    assert ownership["user"] == "0" and "185:185" in ownership["entrypoint"]
    assert "spark-checkpoints-init" in services(stack)["spark-worker"]["depends_on"]


def test_only_the_socket_proxies_touch_the_docker_socket(stack):
    proxies = {name: service for name, service in services(stack).items() if re.fullmatch(r"docker-proxy(-\d+)?", name)}
    for name, service in services(stack).items():
        for volume in service.get("volumes", []):
            if str(volume.get("source", "")).endswith("docker.sock") or volume["target"].endswith("docker.sock"):
                assert name in proxies, f"{name} mounts the Docker socket"
    url = urlparse(services(stack)["airflow-scheduler"]["environment"]["USERS_PIPELINE_DOCKER_URL"])
    assert url.hostname == "docker-proxy" and url.port == 2375
    for name, proxy in proxies.items():
        assert not proxy.get("ports"), "the Docker API must not be published"
        # One internal network each, shared with the one Airflow component that runs tasks (the
        # scheduler, or a Celery worker), which reaches its proxy by the DAG's name docker-proxy.
        [(network, settings)] = proxy["networks"].items()
        assert stack["networks"][network].get("internal") is True, name
        assert name == "docker-proxy" or "docker-proxy" in (settings or {}).get("aliases", []), name
        on_the_network = {n for n, s in services(stack).items() if network in (s.get("networks") or {})} - {name}
        runner = "airflow-scheduler" if name == "docker-proxy" else name.replace("docker-proxy", "airflow-worker")
        assert on_the_network == {runner}, f"only {runner} may reach {name}"
        # What DockerOperator needs and no more is the proxy's own config (tests/test_docker_proxy.py),
        # the same with the official image and the stand-in: none of the image's switches.
        assert proxy["command"] == ["haproxy", "-f", "/compose/docker-proxy.cfg"]
        assert any(v["target"] == "/compose/docker-proxy.cfg" and v.get("read_only") and
                   v["source"].endswith("compose/docker-proxy.cfg") for v in proxy["volumes"])
        assert set(proxy["environment"]) == {"DOCKER_PROXY_TIMEOUT"}


def test_airflow_services_get_every_dag_variable_and_share_their_keys(stack):
    airflow = airflow_services(stack)
    assert {"airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
            "airflow-triggerer"} <= set(airflow)
    dag_settings = [v for v in DAG_VARIABLES if v not in DAG_SECRETS]
    for name, service in airflow.items():
        environment = service["environment"]
        missing = [v for v in dag_settings if v not in environment]
        assert not missing, f"{name} lacks {missing}"
        assert environment["AIRFLOW__CORE__EXECUTOR"] in {"LocalExecutor", "CeleryExecutor"}
        assert environment["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"].lower() == "false"
        assert environment["AIRFLOW__CORE__LOAD_EXAMPLES"].lower() == "false"
        for setting in SECRET_AIRFLOW_SETTINGS:
            assert setting not in environment, f"{name} gets {setting} as a value"
            assert environment[f"{setting}_CMD"] == f"cat {SECRETS_DIR}/{setting}", name
        assert any(v["source"] == "secrets" and v["target"] == SECRETS_DIR and v.get("read_only")
                   for v in service["volumes"]), f"{name} does not mount the secrets read-only"
        # The DAG and the plugins (the Users report) as in the repository, read-only.
        for folder in ("dags", "plugins"):
            assert any(v["type"] == "bind" and v["source"] == str(ROOT / folder) and
                       v["target"] == f"/opt/airflow/{folder}" and v.get("read_only")
                       for v in service["volumes"]), f"{name} does not mount {folder}/ read-only"
    for setting in SHARED_AIRFLOW_SETTINGS + dag_settings:
        values = {name: s["environment"].get(setting) for name, s in airflow.items()}
        assert len(set(values.values())) == 1, f"{setting} differs between Airflow services: {values}"
    apiserver = airflow["airflow-apiserver"]["environment"]
    assert apiserver["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == f"{apiserver['AIRFLOW_ADMIN_USERNAME']}:admin"


def test_the_airflow_image_bakes_in_the_dags_and_the_plugins():
    dockerfile = (ROOT / "airflow" / "Dockerfile").read_text()
    for folder in ("dags", "plugins"):
        assert f"COPY {folder}/ /opt/airflow/{folder}/" in dockerfile
    patterns = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert not [p for p in patterns if p.lstrip("!").split("/")[0] in ("dags", "plugins")], patterns


def test_no_secret_has_a_known_default(compose_config):
    """Without .env, every secret is left to secrets-init to generate; no service gets one as a value."""
    stack = compose_config(*NO_ENV_FILE)
    init = services(stack)["secrets-init"]
    assert {name: init["environment"][name] for name in SECRETS} == {name: "" for name in SECRETS}
    assert init.get("network_mode") == "none"
    for name, service in services(stack).items():
        for key, value in (service.get("environment") or {}).items():
            if name != "secrets-init" and re.search(r"PASSWORD|SECRET|FERNET", key) and not key.endswith("_CMD"):
                assert key.endswith("_FILE") and value.startswith("/"), f"{name}: {key}={value}"
    text = COMPOSE_FILE.read_text() + (ROOT / "compose" / "cassandra-init.sh").read_text()
    assert "-p cassandra " not in text and "-p cassandra'" not in text, "the default superuser login is hard-wired"


def test_airflow_and_its_database_are_out_of_the_task_containers_reach(stack):
    for name in [*airflow_services(stack), "postgres"]:
        assert "default" not in services(stack)[name]["networks"], f"task containers can reach {name}"


def test_without_env_file_the_stack_and_the_dag_agree(compose_config):
    assert len(DAG_DEFAULTS) >= 14, DAG_DEFAULTS
    environment = services(compose_config(*NO_ENV_FILE))["airflow-scheduler"]["environment"]
    # The DAG has no Cassandra login of its own; the stack gives it the role cassandra-init creates.
    credentials = {"USERS_PIPELINE_CASSANDRA_USERNAME", *DAG_SECRETS}
    differ = {name: (default, environment.get(name)) for name, default in DAG_DEFAULTS.items()
              if name not in credentials and environment.get(name) != default}
    assert not differ, f"(DAG default, compose default) differ: {differ}"


def test_no_service_installs_packages_at_start(stack):
    for name, service in services(stack).items():
        assert "_PIP_ADDITIONAL_REQUIREMENTS" not in (service.get("environment") or {}), name


def test_the_task_images_the_dag_runs_are_built_by_a_plain_up(default_stack):
    environment = services(default_stack)["airflow-scheduler"]["environment"]
    for task, variable in TASK_IMAGES.items():
        builders = [s for s in services(default_stack).values()
                    if "build" in s and s["image"] == environment[variable]]
        assert len(builders) == 1, f"no service (outside any profile) builds {environment[variable]}"
        build = builders[0]["build"]
        assert Path(build["context"]) == ROOT
        if task == "submit-spark":
            assert build["dockerfile"] == "tasks/submit-spark/Dockerfile"
        else:  # the Java-only steps share one Dockerfile
            assert (build["dockerfile"], build["args"]["TASK"]) == ("tasks/Dockerfile", task)
        assert builders[0]["scale"] == 0, f"{task} is an image for Airflow to run, not a service"
        # Built, never pulled: `up` reports no pull error for an image only this repository makes.
        assert builders[0]["pull_policy"] == "build", task


def test_kafka_ui_only_runs_with_its_profile(default_stack, compose_config):
    # No package registry has it, so the offline image set cannot start it by default.
    assert "kafka-ui" not in services(default_stack)
    assert "kafka-ui" in services(compose_config(*VARIANTS["all-profiles"]))


def test_the_spark_cluster_runs_the_spark_of_the_driver(stack):
    driver = services(stack)["submit-spark"]["build"]["args"]["SPARK_IMAGE"]
    for name in ("spark-master", "spark-worker"):
        assert services(stack)[name]["image"] == driver, f"{name} and submit-spark run different Sparks"
    master_url = urlparse(services(stack)["airflow-scheduler"]["environment"]["USERS_PIPELINE_SPARK_MASTER_URL"])
    assert master_url.hostname == "spark-master" and str(master_url.port) in services(stack)["spark-master"]["command"]


def test_cassandra_requires_a_login_and_each_step_has_a_role_of_its_own(stack):
    cassandra = services(stack)["cassandra"]
    init = services(stack)["cassandra-init"]
    migrate = services(stack)["migrate-schema"]
    scheduler = services(stack)["airflow-scheduler"]["environment"]
    roles = {variable: init["environment"][variable] for variable in (
        "USERS_PIPELINE_CASSANDRA_USERNAME", "USERS_PIPELINE_CASSANDRA_READER_USERNAME",
        "USERS_PIPELINE_CASSANDRA_MIGRATOR_USERNAME")}
    assert len(set(roles.values()) | {"cassandra"}) == 4, f"steps share a role, or use the superuser: {roles}"
    for variable in ("USERS_PIPELINE_CASSANDRA_USERNAME", "USERS_PIPELINE_CASSANDRA_READER_USERNAME"):
        assert scheduler[variable] == roles[variable], variable
    assert migrate["environment"]["CASSANDRA_USERNAME"] == roles["USERS_PIPELINE_CASSANDRA_MIGRATOR_USERNAME"]
    # One replication map: the keyspace is the same whether cassandra-init or migrate-schema creates it.
    assert init["environment"]["CASSANDRA_REPLICATION"] == migrate["environment"]["CASSANDRA_REPLICATION"]
    assert migrate["environment"]["CASSANDRA_CONTACT_POINTS"] == scheduler["USERS_PIPELINE_CASSANDRA_CONTACT_POINTS"]
    assert any(v["target"] == "/schema/keyspace.cql" for v in init["volumes"])
    assert any(v["source"] == "secrets" and v["target"] == SECRETS_DIR for v in init["volumes"])
    assert init["depends_on"]["secrets-init"]["condition"] == "service_completed_successfully"
    assert "cassandra-data" in {v["source"] for v in cassandra["volumes"]}


def test_kafka_topics_come_from_kafka_init_only(stack):
    brokers = {n: s for n, s in services(stack).items() if n == "kafka" or re.fullmatch(r"kafka-\d+", n)}
    for name, broker in brokers.items():
        assert broker["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", name
        assert any(v["type"] == "volume" and v["target"] == "/var/lib/kafka/data" for v in broker["volumes"]), name
    init = services(stack)["kafka-init"]
    assert init["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == \
        services(stack)["airflow-scheduler"]["environment"]["USERS_PIPELINE_KAFKA_BOOTSTRAP_SERVERS"]
    for broker in brokers:
        assert init["depends_on"][broker]["condition"] == "service_healthy"


def test_the_cluster_profile_has_three_kafka_voters_and_replicates_three_times(cluster_stack):
    brokers = {n: s["environment"] for n, s in services(cluster_stack).items()
               if n == "kafka" or re.fullmatch(r"kafka-\d+", n)}
    assert len(brokers) == 3
    node_ids = {name: env["KAFKA_NODE_ID"] for name, env in brokers.items()}
    assert len(set(node_ids.values())) == 3
    for name, env in brokers.items():
        voters = dict(v.split("@") for v in env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(","))
        assert voters == {node_ids[n]: f"{n}:9093" for n in brokers}, f"{name}: voters {voters}"
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3" and env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false"
        assert env["CLUSTER_ID"] == brokers["kafka"]["CLUSTER_ID"]
    init = services(cluster_stack)["kafka-init"]["environment"]
    assert (init["KAFKA_REPLICATION_FACTOR"], init["KAFKA_MIN_INSYNC_REPLICAS"]) == ("3", "2")
    for name, service in airflow_services(cluster_stack).items():
        environment = service["environment"]
        assert environment["USERS_PIPELINE_KAFKA_REPLICATION_FACTOR"] == "3", name
        assert set(environment["USERS_PIPELINE_KAFKA_BOOTSTRAP_SERVERS"].split(",")) == {f"{n}:9092" for n in brokers}


def test_the_cluster_profile_has_three_cassandra_nodes_joining_one_at_a_time(cluster_stack):
    nodes = {name: service for name, service in services(cluster_stack).items()
             if name == "cassandra" or re.fullmatch(r"cassandra-\d+", name)}
    assert sorted(nodes) == ["cassandra", "cassandra-2", "cassandra-3"]
    environments = {name: node["environment"] for name, node in nodes.items()}
    # One cluster, one seed, one data center, the snitch that reads them, a rack per node.
    for setting in ("CASSANDRA_CLUSTER_NAME", "CASSANDRA_SEEDS", "CASSANDRA_DC"):
        assert len({env[setting] for env in environments.values()}) == 1, setting
    assert {env["CASSANDRA_ENDPOINT_SNITCH"] for env in environments.values()} == {"GossipingPropertyFileSnitch"}
    assert len({env["CASSANDRA_RACK"] for env in environments.values()}) == 3
    # Cassandra refuses a node that bootstraps while another one does.
    assert nodes["cassandra-2"]["depends_on"]["cassandra"]["condition"] == "service_healthy"
    assert nodes["cassandra-3"]["depends_on"]["cassandra-2"]["condition"] == "service_healthy"
    assert len({volume["source"] for node in nodes.values() for volume in node["volumes"]
                if volume["type"] == "volume"}) == 3
    data_center = environments["cassandra"]["CASSANDRA_DC"]
    init = services(cluster_stack)["cassandra-init"]
    replication = f"{{'class': 'NetworkTopologyStrategy', '{data_center}': 3}}"
    assert init["environment"]["CASSANDRA_REPLICATION"] == replication
    assert "cassandra-3" in init["depends_on"]
    assert services(cluster_stack)["migrate-schema"]["environment"]["CASSANDRA_REPLICATION"] == replication
    for name, service in airflow_services(cluster_stack).items():
        environment = service["environment"]
        assert environment["USERS_PIPELINE_CASSANDRA_LOCAL_DC"] == data_center, name
        assert set(environment["USERS_PIPELINE_CASSANDRA_CONTACT_POINTS"].split(",")) == {f"{n}:9042" for n in nodes}


def test_the_cluster_profile_runs_tasks_on_two_celery_workers(cluster_stack, default_stack):
    assert {s["environment"]["AIRFLOW__CORE__EXECUTOR"] for s in airflow_services(default_stack).values()} == {
        "LocalExecutor"}
    airflow = airflow_services(cluster_stack)
    assert {s["environment"]["AIRFLOW__CORE__EXECUTOR"] for s in airflow.values()} == {"CeleryExecutor"}
    workers = {name: service for name, service in airflow.items() if name.startswith("airflow-worker-")}
    assert sorted(workers) == ["airflow-worker-1", "airflow-worker-2"]
    for service in workers.values():
        assert service["command"] == ["celery", "worker"]
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    redis = services(cluster_stack)["redis"]
    assert redis["entrypoint"] == ["bash", "/compose/redis.sh"], "Redis without its password"


def test_the_cluster_profile_has_two_spark_workers(cluster_stack, default_stack):
    assert services(cluster_stack)["spark-worker"]["scale"] == 2
    assert services(default_stack)["spark-worker"]["scale"] == 1


def test_env_example_documents_exactly_the_variables_the_file_uses():
    used = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", COMPOSE_FILE.read_text()))
    documented = set(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    assert used - documented == set(), "used by docker-compose.yml, missing from .env.example"
    assert documented - used == set(), "in .env.example, unused by docker-compose.yml"
    overlay = set(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)=", CLUSTER_ENV.read_text(), re.MULTILINE))
    assert overlay - {"COMPOSE_PROFILES"} <= used, "compose/cluster.env sets variables nothing uses"


def test_migrate_schema_runs_once_per_up_before_anything_writes(stack):
    """The schema's one place of change: after cassandra-init's roles, before the scheduler or a
    worker starts a task; as the migrator, with its password read from its secret file."""
    migrate = services(stack)["migrate-schema"]
    assert (migrate["build"]["dockerfile"], migrate["build"]["args"]["TASK"]) == ("tasks/Dockerfile", "migrate-schema")
    assert migrate["pull_policy"] == "build" and migrate["restart"] == "no"
    assert migrate["depends_on"]["cassandra-init"]["condition"] == "service_completed_successfully"
    assert "/run/users-pipeline-secrets/USERS_PIPELINE_CASSANDRA_MIGRATOR_PASSWORD" in " ".join(migrate["entrypoint"])
    assert any(v["source"] == "secrets" and v["target"] == SECRETS_DIR and v.get("read_only")
               for v in migrate["volumes"])
    runners = {name: service for name, service in airflow_services(stack).items()
               if name == "airflow-scheduler" or name.startswith("airflow-worker")}
    assert runners
    for name, service in runners.items():
        assert service["depends_on"]["migrate-schema"]["condition"] == "service_completed_successfully", name
