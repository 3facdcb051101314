"""The Airflow image that compose builds (airflow/Dockerfile) runs the Docker provider that every
other test runs: requirements.txt's pin, whatever version the base image bundled."""

import re

from .compose_stack import ROOT, compose


def test_the_stack_runs_the_pinned_docker_provider():
    pinned = re.search(r"^apache-airflow-providers-docker==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    installed = compose("exec", "-T", "airflow-scheduler", "python", "-c",
                        "from importlib.metadata import version; print(version('apache-airflow-providers-docker'))")
    assert installed.stdout.strip() == pinned.group(1)
