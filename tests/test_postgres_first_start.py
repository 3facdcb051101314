"""The postgres service's healthcheck (docker-compose.yml) on a first start, the way the official
image starts: initdb, then a temporary server that listens on the default socket only while it
creates the database and runs /docker-entrypoint-initdb.d, then the real server on TCP. Airflow
waits for "healthy" and then connects over TCP, so the check must not pass during the temporary
server's window. An init script that takes a few seconds holds that window open.

POSTGRES_IMAGE names the image (default the offline stand-in local/postgres:15, which
offline/postgres/build.sh builds when it is missing). DOCKER names the docker CLI.
"""

import os
import subprocess
import time
import uuid

import pytest
import yaml

from conftest import DOCKER, ROOT, docker_cli, ensure_stand_in

IMAGE = os.environ.get("POSTGRES_IMAGE", "local/postgres:15")
NAME = f"postgres-first-start-test-{uuid.uuid4().hex[:8]}"
# The marker exists exactly while the init script runs, that is while the temporary server is up.
INIT_SCRIPT = "touch /tmp/init-running; sleep 8; rm /tmp/init-running\n"


def healthcheck():
    """The compose file's command, as the container's shell gets it ($$ is compose's escape for $)."""
    test = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["postgres"]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    return test[1].replace("$$", "$")


def succeeds(command):
    return subprocess.run([DOCKER, "exec", NAME, "sh", "-c", command], capture_output=True,
                          timeout=30).returncode == 0


@pytest.fixture
def first_start(tmp_path):
    ensure_stand_in(IMAGE, "POSTGRES_IMAGE", "offline/postgres/build.sh")
    init = tmp_path / "initdb"
    init.mkdir()
    (init / "slow.sh").write_text(INIT_SCRIPT)
    for directory in (tmp_path, init):
        directory.chmod(0o755)  # the entrypoint reads it as the postgres user
    docker_cli("run", "-d", "--name", NAME, "--label", "users-pipeline-test=postgres-first-start",
               "-e", "POSTGRES_USER=airflow", "-e", "POSTGRES_DB=airflow",
               "-e", f"POSTGRES_PASSWORD={uuid.uuid4().hex}",
               "-v", f"{init}:/docker-entrypoint-initdb.d:ro", IMAGE)
    yield
    docker_cli("rm", "-f", "-v", NAME, check=False)  # -v: the image's anonymous data volume too


def test_the_healthcheck_waits_for_the_server_on_tcp(first_start):
    check = healthcheck()
    window_seen = False
    deadline = time.monotonic() + 120
    while True:
        # The temporary server answers on its socket: the window in which a socket check would pass.
        window_seen |= succeeds("test -e /tmp/init-running && pg_isready -q")
        if succeeds(check):
            assert not succeeds("test -e /tmp/init-running"), "healthy while the temporary server still ran"
            break
        assert time.monotonic() < deadline, f"never healthy:\n{docker_cli('logs', NAME, check=False)}"
        time.sleep(0.2)
    assert window_seen, "the temporary server was never seen answering on its socket: the test proved nothing"
    # Healthy means what Airflow needs: a password login over TCP.
    assert succeeds('PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -U airflow -d airflow -tAc "select 1"')
