"""The Airflow image that compose builds (airflow/Dockerfile) runs the providers that every other
test runs: requirements.txt's pins of the Docker and Celery providers, whatever versions the base
image bundled."""

import re

import pytest

from .compose_stack import ROOT, compose


@pytest.mark.parametrize("provider", ["apache-airflow-providers-docker", "apache-airflow-providers-celery"])
def test_the_stack_runs_the_pinned_provider(provider):
    pinned = re.search(rf"^{provider}==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    installed = compose("exec", "-T", "airflow-scheduler", "python", "-c",
                        f"from importlib.metadata import version; print(version('{provider}'))")
    assert installed.stdout.strip() == pinned.group(1)
