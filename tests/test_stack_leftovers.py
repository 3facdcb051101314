"""script/stack-leftovers.sh on the real Docker engine: what a killed script/compose-e2e.sh left of
its stack goes before the next run, and a stack that the test did not start is refused and kept.

Each test builds a small stack under a project name of its own, with the labels `docker compose`
puts on what it creates, and removes whatever is left at the end. Containers run
local/debian:bookworm (script/base-images.sh). DOCKER names the docker CLI.
"""

import json
import subprocess
import uuid

import pytest

from conftest import DOCKER, ROOT, docker_cli, image_exists

IMAGE = "local/debian:bookworm"


@pytest.fixture
def stack():
    """A compose-labelled network, volume and running container of a project of this test's own."""
    if not image_exists(IMAGE):
        pytest.fail(f"image {IMAGE} is missing: script/base-images.sh builds it")
    project = f"leftovers-test-{uuid.uuid4().hex[:8]}"
    label = f"com.docker.compose.project={project}"
    docker_cli("network", "create", "--label", label, project)
    docker_cli("volume", "create", "--label", label, f"{project}_data")
    docker_cli("run", "-d", "--name", f"{project}-worker-1", "--label", label, "--network", project,
               "-v", f"{project}_data:/data", "-v", "/scratch", IMAGE, "sleep", "600")
    yield project
    containers = docker_cli("ps", "-aq", "--filter", f"label={label}").split()
    containers += docker_cli("ps", "-aq", "--filter", f"network={project}", check=False).split()
    docker_cli("rm", "-f", "-v", *containers, f"{project}-randomuser", check=False)
    docker_cli("network", "rm", project, check=False)
    docker_cli("volume", "rm", f"{project}_data", check=False)


def what_is_left(project):
    label = f"label=com.docker.compose.project={project}"
    return {
        "containers": docker_cli("ps", "-aq", "--filter", label).split(),
        "networks": docker_cli("network", "ls", "-q", "--filter", label).split(),
        "volumes": docker_cli("volume", "ls", "-q", "--filter", label).split(),
        "stand-in": docker_cli("ps", "-aq", "--filter", f"name=^{project}-randomuser$").split(),
    }


def leftovers(project):
    return subprocess.run([ROOT / "script" / "stack-leftovers.sh", DOCKER, project, f"{project}-randomuser"],
                          capture_output=True, text=True, timeout=120)


def test_a_stack_left_with_the_stand_in_beside_it_is_removed(stack):
    docker_cli("run", "-d", "--name", f"{stack}-randomuser", "--network", stack, IMAGE, "sleep", "600")
    # A task container of the DAG: no compose label, on the stack's network.
    task = docker_cli("run", "-d", "--network", stack, IMAGE, "sleep", "600")
    anonymous = next(mount["Name"] for mount in json.loads(docker_cli("inspect", f"{stack}-worker-1"))[0]["Mounts"]
                     if mount["Destination"] == "/scratch")

    result = leftovers(stack)

    assert result.returncode == 0, result.stderr
    assert "removed" in result.stderr
    assert what_is_left(stack) == {"containers": [], "networks": [], "volumes": [], "stand-in": []}
    # The worker's anonymous volume went with it, as with `docker compose down -v`.
    assert docker_cli("volume", "ls", "-q", "--filter", f"name={anonymous}") == ""
    assert docker_cli("ps", "-aq", "--filter", f"id={task}") == ""


def test_a_stack_the_test_did_not_start_is_refused_and_kept(stack):
    before = what_is_left(stack)

    result = leftovers(stack)

    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"a {stack} stack" in result.stderr and "docker compose down -v" in result.stderr
    assert what_is_left(stack) == before
    assert before["containers"] and before["networks"] and before["volumes"]


def test_no_stack_is_nothing_to_do():
    result = leftovers(f"leftovers-test-{uuid.uuid4().hex[:8]}")

    assert (result.returncode, result.stderr) == (0, "")
