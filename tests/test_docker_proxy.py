"""docker-proxy (compose/docker-proxy.cfg) in front of the real Docker engine, driven as Airflow drives it.

The proxy image (DOCKER_PROXY_IMAGE, default the offline stand-in local/docker-socket-proxy:0.5.0,
which offline/docker-proxy/build.sh builds when it is missing) runs with the engine's socket and the
repository's config, the way docker-compose.yml runs it, on a network of its own and published on a random port of
127.0.0.1. Through it: Airflow's DockerOperator runs a task container with a named volume; every
call that DockerOperator does not make, and every container that would own the host, is refused
with 403; a task quiet for longer than a short DOCKER_PROXY_TIMEOUT loses its output and its exit
status, and the default timeout outlasts the DAG's longest task. Task containers run
local/debian:bookworm (script/base-images.sh). DOCKER names the docker CLI.
"""

import io
import json
import os
import re
import socket
import time
import urllib.request
import uuid
from datetime import timedelta

import docker
import pytest
import requests
from airflow.dag_processing.dagbag import DagBag
from airflow.providers.docker.operators.docker import DockerOperator
from docker.errors import APIError
from docker.types import DriverConfig, Mount

from conftest import ROOT, docker_cli, ensure_stand_in, image_exists, load_dag_module

PROXY_IMAGE = os.environ.get("DOCKER_PROXY_IMAGE", "local/docker-socket-proxy:0.5.0")
CONFIG = ROOT / "compose" / "docker-proxy.cfg"
TASK_IMAGE = "local/debian:bookworm"
# What this test run creates carries this name or label, so that the end removes all of it.
RUN = f"docker-proxy-test-{uuid.uuid4().hex[:8]}"
LABELS = {"users-pipeline-test": RUN}
SHORT_TIMEOUT_SECONDS = 1
QUIET_SECONDS = 5


@pytest.fixture(scope="module")
def network():
    if not image_exists(TASK_IMAGE):
        pytest.fail(f"image {TASK_IMAGE} is missing: script/base-images.sh builds it")
    ensure_stand_in(PROXY_IMAGE, "DOCKER_PROXY_IMAGE", "offline/docker-proxy/build.sh")
    docker_cli("network", "create", "--label", f"users-pipeline-test={RUN}", RUN)
    yield RUN
    containers = docker_cli("ps", "-aq", "--filter", f"label=users-pipeline-test={RUN}").split()
    if containers:
        docker_cli("rm", "-f", *containers)
    docker_cli("network", "rm", RUN)
    # Only if a refused request got through after all.
    for leftover in (f"{RUN}-volume", f"{RUN}-network"):
        docker_cli("volume", "rm", leftover, check=False)
        docker_cli("network", "rm", leftover, check=False)


def start_proxy(network, name, environment=()):
    """Runs the proxy as docker-compose.yml does; returns its base URL once it answers /_ping."""
    docker_cli(
        "run", "-d", "--name", name, "--network", network, "--label", f"users-pipeline-test={RUN}",
        "-p", "127.0.0.1::2375",
        "-v", "/var/run/docker.sock:/var/run/docker.sock:ro",
        "-v", f"{CONFIG}:/compose/docker-proxy.cfg:ro",
        *[arg for pair in environment for arg in ("-e", pair)],
        PROXY_IMAGE, "haproxy", "-f", "/compose/docker-proxy.cfg",
    )
    port = docker_cli("port", name, "2375/tcp").splitlines()[0].rsplit(":", 1)[1]
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_ping", timeout=2) as response:
                if response.read() == b"OK":
                    return url
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the proxy did not answer /_ping:\n{docker_cli('logs', name, check=False)}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def proxy(network):
    """The proxy with its default timeout."""
    return start_proxy(network, f"{RUN}-proxy")


@pytest.fixture(scope="module")
def short_timeout_proxy(network):
    return start_proxy(network, f"{RUN}-proxy-short", [f"DOCKER_PROXY_TIMEOUT={SHORT_TIMEOUT_SECONDS}s"])


@pytest.fixture(scope="module")
def volume():
    """A named volume, as the DAG mounts its checkpoint volume (created here: the proxy refuses it)."""
    name = docker_cli("volume", "create", "--label", f"users-pipeline-test={RUN}", f"{RUN}-checkpoints")
    yield name
    docker_cli("volume", "rm", "-f", name)


def client(url):
    """docker-py's client as DockerOperator's hook makes it (API version from GET /version)."""
    return docker.APIClient(base_url=url.replace("http://", "tcp://"), timeout=60)


def task(url, network, command, **kwargs):
    """A DockerOperator with the DAG's Docker settings (dags/users_pipeline.py, default_args)."""
    return DockerOperator(
        task_id="proxy_test", image=TASK_IMAGE, command=command, docker_url=url.replace("http://", "tcp://"),
        network_mode=network, force_pull=False, mount_tmp_dir=False, auto_remove="force",
        labels={**LABELS, "users-pipeline-test-operator": RUN}, mem_limit="64m", **kwargs,
    )


def test_compose_healthcheck_passes_inside_the_proxy(proxy):
    # docker-compose.yml's healthcheck, run where compose runs it.
    docker_cli("exec", f"{RUN}-proxy", "sh", "-c", "wget -q -O- http://127.0.0.1:2375/_ping | grep -q OK")


def test_docker_operator_runs_a_task_with_a_named_volume(proxy, network, volume):
    mounts = [Mount(target="/checkpoints", source=volume, type="volume")]
    write = task(proxy, network, ["sh", "-c", "echo progress; echo 41 > /checkpoints/n; echo '{\"ok\":true}'"],
                 mounts=mounts)
    assert write.execute({}) == '{"ok":true}'
    # The second container reads what the first wrote: the volume is mounted, not an empty directory.
    read = task(proxy, network, ["sh", "-c", "echo $(( $(cat /checkpoints/n) + 1 ))"], mounts=mounts)
    assert read.execute({}) == "42"
    # auto_remove="force": DELETE /containers/{id} went through.
    assert docker_cli("ps", "-aq", "--filter", f"label=users-pipeline-test-operator={RUN}") == ""


def test_docker_operator_stops_a_killed_task(proxy, network):
    """on_kill (execution_timeout, a marked-failed task): POST /containers/{id}/stop, then DELETE."""
    api = client(proxy)
    # A shell as process 1 ignores SIGTERM unless it traps it: stop would wait its 10 s for nothing.
    container = api.create_container(TASK_IMAGE, ["sh", "-c", "trap 'exit 0' TERM; sleep 60 & wait"],
                                     labels=LABELS)
    api.start(container)
    operator = task(proxy, network, "true")
    operator.cli.ping()  # a task that ran has its client already: on_kill acts only then
    operator.container = container
    operator.on_kill()
    assert docker_cli("ps", "-aq", "--filter", f"id={container['Id']}") == ""


def test_a_try_first_removes_the_container_an_earlier_try_left(proxy, network):
    """The DAG's StepOperator, through the proxy: an earlier try's container still runs under the
    run's name (its operator died with the scheduler); the new try stops and removes it, then runs."""
    module = load_dag_module()
    run_id = f"manual__{RUN}T00:00:00+00:00"
    name = module.container_name("proxy_test", run_id)
    leftover = docker_cli("run", "-d", "--name", name, "--label", f"users-pipeline-test={RUN}", TASK_IMAGE,
                          "sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait")
    step = module.StepOperator(
        task_id="proxy_test", image=TASK_IMAGE, command=["echo", '{"ok":true}'],
        docker_url=proxy.replace("http://", "tcp://"), network_mode=network, force_pull=False,
        mount_tmp_dir=False, auto_remove="force", labels=LABELS, mem_limit="64m",
    )
    assert step.execute({"run_id": run_id}) == '{"ok":true}'
    assert docker_cli("ps", "-aq", "--filter", f"id={leftover}") == ""
    assert docker_cli("ps", "-aq", "--filter", f"name=^{name}$") == ""  # the new try's, auto-removed


def test_client_calls_docker_operator_makes(proxy):
    api = client(proxy)
    assert api.ping() is True
    assert api.version()["ApiVersion"] == api.api_version
    assert api.images(name=TASK_IMAGE)  # "is the image here?" before every run


@pytest.mark.parametrize("prefix", ["", "versioned"])
def test_version_answers_with_and_without_the_api_prefix(proxy, prefix):
    """Tecnativa/docker-socket-proxy#180: on HAProxy 3.4, GET /version broke. docker-py asks the bare
    /version to pick its API version when the client is made, and /v1.xx/version afterwards."""
    path = f"/v{client(proxy).api_version}/version" if prefix else "/version"
    response = requests.get(f"{proxy}{path}", timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["ApiVersion"]


def test_attach_upgrades_the_connection(proxy, running_container):
    """Tecnativa/docker-socket-proxy#132: with HAProxy 3, a request to upgrade the connection got 200,
    not 101. DockerOperator streams every task's log through attach's upgraded connection."""
    host, port = proxy.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"POST /v{client(proxy).api_version}/containers/{running_container}/attach?stream=1&stdout=1 HTTP/1.1\r\n"
            f"Host: {host}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n".encode())
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 101"), status_line


def test_the_proxy_runs_haproxy_3(network):
    """The stand-in runs the major that upstream's image runs (3.x), so that these tests see what users get."""
    version = docker_cli("run", "--rm", "--label", f"users-pipeline-test={RUN}", PROXY_IMAGE, "haproxy", "-v")
    assert re.match(r"HA-?Proxy version 3\.", version), version


def post_create(url, body):
    """POST /containers/create with a body written by hand, as no client library would write it."""
    api = client(url)
    return api.post(f"{url}/v{api.api_version}/containers/create", data=body.encode(),
                    headers={"Content-Type": "application/json"})


# Calls that DockerOperator never makes. Names carry RUN: should one get through, the end of the
# module removes what it made, and nothing outside this test is touched (the image tag is absent).
REFUSED_CALLS = {
    "exec": lambda api, cid: api.exec_create(cid, "true"),
    "build": lambda api, cid: list(api.build(fileobj=io.BytesIO(b"FROM scratch\n"), tag=f"{RUN}:build")),
    "volume create": lambda api, cid: api.create_volume(f"{RUN}-volume"),
    "network create": lambda api, cid: api.create_network(f"{RUN}-network"),
    "image pull": lambda api, cid: api.pull("local/debian", tag=f"{RUN}"),
    "image remove": lambda api, cid: api.remove_image(f"local/debian:{RUN}"),
    "image inspect": lambda api, cid: api.inspect_image(TASK_IMAGE),
    "container list": lambda api, cid: api.containers(all=True),
    "logs": lambda api, cid: api.logs(cid),
    "kill": lambda api, cid: api.kill(cid),
    "archive": lambda api, cid: api.get_archive(cid, "/etc/hostname"),
    "info": lambda api, cid: api.info(),
    # api.events() turns any error into an empty stream: ask for the events without it.
    "events": lambda api, cid: api._result(api._get(api._url("/events"), params={"until": int(time.time())})),
    "swarm": lambda api, cid: api.inspect_swarm(),
}


@pytest.fixture(scope="module")
def running_container(proxy):
    api = client(proxy)
    container = api.create_container(TASK_IMAGE, ["sleep", "60"], labels=LABELS)
    api.start(container)
    return container["Id"]


@pytest.mark.parametrize("call", REFUSED_CALLS)
def test_calls_outside_docker_operator_are_refused(proxy, running_container, call):
    with pytest.raises(APIError) as refused:
        REFUSED_CALLS[call](client(proxy), running_container)
    assert refused.value.response.status_code == 403
    assert "docker-proxy" in str(refused.value)


# Containers that would own the host, as docker-py asks for them: (host config, what the 403 names).
REFUSED_HOST_CONFIGS = {
    "privileged": (dict(privileged=True), "privileged"),
    "bind of /": (dict(binds={"/": {"bind": "/host", "mode": "ro"}}), "Binds"),
    "bind mount of /": (dict(mounts=[Mount("/host", "/", type="bind", read_only=True)]), "bind mounts"),
    "volume bound to /": (dict(mounts=[Mount("/host", f"{RUN}-volume", type="volume", driver_config=DriverConfig(
        "local", {"type": "none", "o": "bind", "device": "/"}))]), "volume driver options"),
    "volumes of another container": (dict(volumes_from=[f"{RUN}-proxy"]), "VolumesFrom"),
    "host network": (dict(network_mode="host"), "namespace"),
    "network of another container": (dict(network_mode=f"container:{RUN}-proxy"), "namespace"),
    "host pid": (dict(pid_mode="host"), "namespace"),
    "host ipc": (dict(ipc_mode="host"), "namespace"),
    "host user namespace": (dict(userns_mode="host"), "namespace"),
    "cap-add": (dict(cap_add=["SYS_ADMIN"]), "CapAdd"),
    "cgroup namespace of the host": (dict(cgroupns="host"), "namespace"),
    "device": (dict(devices=["/dev/null:/dev/host-null"]), "devices"),
    "device cgroup rule": (dict(device_cgroup_rules=["b *:* rwm"]), "devices"),
    "security option": (dict(security_opt=["apparmor=unconfined"]), "SecurityOpt"),
    "published port": (dict(port_bindings={2375: 2375}), "published ports"),
}


@pytest.mark.parametrize("case", REFUSED_HOST_CONFIGS)
def test_containers_that_would_own_the_host_are_refused(proxy, case):
    host_config, reason = REFUSED_HOST_CONFIGS[case]
    api = client(proxy)
    with pytest.raises(APIError) as refused:
        api.create_container(TASK_IMAGE, "true", labels=LABELS, host_config=api.create_host_config(**host_config))
    assert refused.value.response.status_code == 403
    assert reason in refused.value.response.json()["message"]


# Bodies written by hand: the engine reads keys in any case, \u escapes and Unicode case folding,
# takes the last of two equal keys, and (API < 1.24) a host config in the body of start.
LABELS_JSON = json.dumps(LABELS)
REFUSED_BODIES = {
    "lowercase privileged": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},"HostConfig":{{"privileged" : true}}}}',
    "privileged after privileged false": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},'
                                         f'"HostConfig":{{"Privileged":false,"PRIVILEGED":true}}}}',
    "privileged at the top level": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},"Privileged":true}}',
    "escaped key": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},"HostConfig":{{"Pr\\u0069vileged":true}}}}',
    "long s in a key": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},'
                       f'"HostConfig":{{"Bind\u017f":["/:/host"]}}}}',
    "lowercase binds, newlines": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},'
                                 f'"HostConfig":{{"binds":\n[\n"/:/host"]}}}}',
    "network mode in capitals": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},'
                                f'"HostConfig":{{"NETWORKMODE":"host"}}}}',
    "capabilities": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},'
                    f'"HostConfig":{{"Capabilities":["CAP_SYS_ADMIN"]}}}}',
    # What `docker run --security-opt systempaths=unconfined` sends: /proc/sys becomes writable.
    "unmasked /proc": f'{{"Image":"{TASK_IMAGE}","Labels":{LABELS_JSON},'
                      f'"HostConfig":{{"MaskedPaths":[],"ReadonlyPaths":[]}}}}',
}


@pytest.mark.parametrize("case", REFUSED_BODIES)
def test_hand_written_create_bodies_are_refused(proxy, case):
    response = post_create(proxy, REFUSED_BODIES[case])
    assert response.status_code == 403, response.text
    assert "docker-proxy" in response.json()["message"]


def test_a_create_body_too_large_to_inspect_is_refused(proxy):
    padding = "x" * 70_000
    body = f'{{"Image":"{TASK_IMAGE}","Labels":{{"users-pipeline-test":"{RUN}","padding":"{padding}"}}}}'
    response = post_create(proxy, body)
    assert response.status_code == 403, response.text
    assert "64 KiB" in response.json()["message"]


def test_a_host_config_in_the_body_of_start_is_refused(proxy, running_container):
    # Engine 20.10 still serves API 1.23, which applied such a body to the container.
    api = client(proxy)
    response = api.post(f"{proxy}/v1.23/containers/{running_container}/start", data=b'{"Privileged":true}',
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 403, response.text


def test_a_plain_create_body_passes(proxy):
    """The refusals above come from what the bodies ask for, not from writing bodies by hand."""
    response = post_create(proxy, f'{{"Image":"{TASK_IMAGE}","Cmd":["true"],"Labels":{LABELS_JSON},'
                                  f'"HostConfig":{{"Binds":[],"Privileged":false,"NetworkMode":"{RUN}","CapAdd":null}}}}')
    assert response.status_code == 201, response.text
    client(proxy).remove_container(response.json()["Id"], force=True)


QUIET = ["sh", "-c", f"echo started; sleep {QUIET_SECONDS}; echo '{{\"summary\":true}}'"]


def test_a_timeout_shorter_than_a_silence_cuts_the_task(short_timeout_proxy):
    """What the upstream image's fixed 10 minutes do to a task quiet for longer: DockerOperator's
    attach stream ends early, without the summary, and its /wait breaks."""
    api = client(short_timeout_proxy)
    container = api.create_container(TASK_IMAGE, QUIET, labels=LABELS)
    stream = api.attach(container, stdout=True, stderr=True, stream=True)
    api.start(container)
    started = time.monotonic()
    output = b"".join(stream)
    assert time.monotonic() - started < QUIET_SECONDS
    assert b"summary" not in output
    with pytest.raises(requests.exceptions.RequestException):
        api.wait(container)


def test_the_default_timeout_keeps_a_quiet_task_whole(proxy, network):
    assert task(proxy, network, QUIET).execute({}) == '{"summary":true}'


HAPROXY_TIME_UNITS = {"ms": timedelta(milliseconds=1), "s": timedelta(seconds=1), "m": timedelta(minutes=1),
                      "h": timedelta(hours=1), "d": timedelta(days=1)}


def test_the_default_timeout_outlasts_the_longest_task():
    config = CONFIG.read_text()
    value, unit = re.search(r"^\s*presetenv DOCKER_PROXY_TIMEOUT (\d+)(ms|s|m|h|d)\s*$", config, re.M).groups()
    default = int(value) * HAPROXY_TIME_UNITS[unit]
    # The timeouts that a silent task meets are the ones this variable sets.
    for timeout in ("client", "server", "tunnel"):
        assert re.search(rf'^\s*timeout {timeout} "\$\{{DOCKER_PROXY_TIMEOUT\}}"\s*$', config, re.M), timeout
    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["users_pipeline"]
    longest = max(operator.execution_timeout for operator in dag.tasks)
    assert default > longest
