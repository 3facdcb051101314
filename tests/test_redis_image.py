"""Redis, the Celery broker of the cluster profile, started as docker-compose.yml's redis service
starts it (its entrypoint, compose/redis.sh), with REDIS_PASSWORD from a secrets directory like
secrets-init's: healthy by the service's healthcheck, Redis refuses clients without the password,
answers those with it, and the password shows in no command line, environment, `docker inspect` or
file of the container. Then Celery: a worker of the project's Airflow image, started as the
airflow-worker-1 service (its command, its _CMD settings of the broker and result backend URLs),
connects and passes the service's healthcheck (`celery inspect ping`).

REDIS_IMAGE names the Redis image (default the offline stand-in local/redis:7.0, which
offline/redis/build.sh builds when it is missing); AIRFLOW_IMAGE the project's Airflow image
(default users-pipeline/airflow:3.3.2, built from airflow/Dockerfile on the offline stand-in of the
official image when it is missing). DOCKER names the docker CLI.
"""

import os
import subprocess
import time
import uuid

import pytest
import yaml

from conftest import DOCKER, ROOT, docker_cli, ensure_stand_in, image_exists

REDIS_IMAGE = os.environ.get("REDIS_IMAGE", "local/redis:7.0")
AIRFLOW_IMAGE = os.environ.get("AIRFLOW_IMAGE", "users-pipeline/airflow:3.3.2")
AIRFLOW_BASE_IMAGE = "local/airflow:3.3.2-python3.11"
RUN = f"redis-image-test-{uuid.uuid4().hex[:8]}"
SECRETS = "/run/users-pipeline-secrets"
# Letters and digits, as secrets-init generates them.
PASSWORD = uuid.uuid4().hex
SERVICES = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def healthcheck(service):
    """The service's check, as the container's shell gets it ($$ is compose's escape for $)."""
    test = SERVICES[service]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    return test[1].replace("$$", "$")


def in_container(name, command, environment=()):
    """Runs a shell command in the container; the finished process."""
    options = [argument for variable in environment for argument in ("-e", variable)]
    return subprocess.run([DOCKER, "exec", *options, name, "sh", "-c", command], capture_output=True, text=True,
                          timeout=120)


def logs(name):
    result = subprocess.run([DOCKER, "logs", name], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def wait_for(condition, what, name, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}:\n{logs(name)}"
        time.sleep(1)


@pytest.fixture(scope="module")
def secrets(tmp_path_factory):
    """What secrets-init writes for Redis and Celery; the test's result backend needs no Postgres."""
    directory = tmp_path_factory.mktemp("secrets")
    files = {"REDIS_PASSWORD": PASSWORD,
             "AIRFLOW__CELERY__BROKER_URL": f"redis://:{PASSWORD}@redis:6379/0",
             "AIRFLOW__CELERY__RESULT_BACKEND": "db+sqlite:////tmp/celery-results.db"}
    for name, value in files.items():
        (directory / name).write_text(value)
        # REDIS_PASSWORD for root only, as secrets-init gives it; the URLs to the Airflow user (any here).
        (directory / name).chmod(0o400 if name == "REDIS_PASSWORD" else 0o444)
    directory.chmod(0o755)
    return directory


@pytest.fixture(scope="module")
def redis(secrets):
    """The redis service on a network of this test's own, as `redis`; its container name."""
    ensure_stand_in(REDIS_IMAGE, "REDIS_IMAGE", "offline/redis/build.sh")
    docker_cli("network", "create", "--label", f"users-pipeline-test={RUN}", RUN)
    name = f"{RUN}-redis"
    entrypoint, *arguments = SERVICES["redis"]["entrypoint"]
    docker_cli("run", "-d", "--name", name, "--label", f"users-pipeline-test={RUN}", "--network", RUN,
               "--network-alias", "redis", "--entrypoint", entrypoint,
               "-v", f"{ROOT / 'compose' / 'redis.sh'}:/compose/redis.sh:ro", "-v", f"{secrets}:{SECRETS}:ro",
               REDIS_IMAGE, *arguments)
    check = healthcheck("redis")
    wait_for(lambda: in_container(name, check).returncode == 0, "Redis never got healthy", name)
    yield name
    containers = docker_cli("ps", "-aq", "--filter", f"label=users-pipeline-test={RUN}").split()
    docker_cli("rm", "-f", "-v", *containers)
    docker_cli("network", "rm", RUN)


def test_redis_answers_only_with_the_password(redis):
    refused = in_container(redis, "redis-cli ping")
    assert "NOAUTH" in refused.stdout + refused.stderr, refused
    assert in_container(redis, "redis-cli ping", [f"REDISCLI_AUTH={PASSWORD}"]).stdout.strip() == "PONG"
    wrong = in_container(redis, "redis-cli ping", ["REDISCLI_AUTH=not-the-password"])
    assert "PONG" not in wrong.stdout, wrong
    # As the image's own entrypoint runs it: the server is PID 1, as the redis user.
    status = in_container(redis, "cat /proc/1/status /proc/1/cmdline").stdout
    assert "redis-server" in status and any(line.split()[1:2] == ["999"] for line in status.splitlines()
                                            if line.startswith("Uid:")), status


def test_the_password_is_in_no_command_line_environment_or_file(redis):
    assert PASSWORD not in docker_cli("inspect", redis)
    processes = in_container(redis, "cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ | tr '\\0' ' '")
    assert processes.returncode == 0 and "redis-server" in processes.stdout, processes
    assert PASSWORD not in processes.stdout
    # Every file but the secrets mount: compose/redis.sh hands the password over on a pipe.
    files = in_container(redis, f"grep -rl {PASSWORD} / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev "
                                f"--exclude-dir=run 2>/dev/null")
    assert files.stdout == "", files.stdout


@pytest.fixture(scope="module")
def airflow_image():
    if not image_exists(AIRFLOW_IMAGE):
        if "AIRFLOW_IMAGE" in os.environ:
            pytest.fail(f"image {AIRFLOW_IMAGE} (AIRFLOW_IMAGE) is missing")
        ensure_stand_in(AIRFLOW_BASE_IMAGE, "AIRFLOW_BASE_IMAGE", "offline/airflow/build.sh")
        subprocess.run([DOCKER, "build", "--quiet", "-f", "airflow/Dockerfile", "--build-arg",
                        f"AIRFLOW_BASE_IMAGE={AIRFLOW_BASE_IMAGE}", "-t", AIRFLOW_IMAGE, "."],
                       cwd=ROOT, check=True, capture_output=True, timeout=600)
    return AIRFLOW_IMAGE


def test_a_celery_worker_of_the_airflow_image_uses_it_as_its_broker(redis, secrets, airflow_image):
    name = f"{RUN}-worker"
    service = SERVICES["airflow-worker-1"]
    environment = {key: service["environment"][key] for key in (
        "AIRFLOW__CELERY__BROKER_URL_CMD", "AIRFLOW__CELERY__RESULT_BACKEND_CMD", "DUMB_INIT_SETSID")}
    environment |= {"AIRFLOW__CORE__EXECUTOR": "CeleryExecutor", "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2"}
    docker_cli("run", "-d", "--name", name, "--label", f"users-pipeline-test={RUN}", "--network", RUN,
               "-v", f"{secrets}:{SECRETS}:ro", *[f"--env={key}={value}" for key, value in environment.items()],
               airflow_image, *service["command"].split())
    wait_for(lambda: " ready." in logs(name), "the worker never got ready", name, 180)
    ping = in_container(name, healthcheck("airflow-worker-1"))
    assert ping.returncode == 0 and "pong" in ping.stdout, ping
    assert PASSWORD not in docker_cli("inspect", name)
