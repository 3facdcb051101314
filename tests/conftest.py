"""Airflow for the DAG and plugin tests runs from this checkout: its home under target/, this
repository's dags/ and plugins/."""

import importlib.util
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Before anything imports airflow: its settings are read once, at import.
os.environ["AIRFLOW_HOME"] = str(ROOT / "target" / "airflow")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(ROOT / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"

# The docker CLI of the tests that drive the real engine (script/docker-engine.sh prints one).
DOCKER = os.environ.get("DOCKER", "docker")


def docker_cli(*args, check=True):
    try:
        result = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        pytest.fail(f"{DOCKER} not found: set DOCKER to a docker CLI (script/docker-engine.sh prints one)")
    if check and result.returncode != 0:
        pytest.fail(f"docker {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout.strip()


def image_exists(image):
    return subprocess.run([DOCKER, "image", "inspect", image], capture_output=True).returncode == 0


def ensure_stand_in(image, variable, build_script):
    """Builds the offline stand-in when the image is missing; an image named by the variable must exist."""
    if not image_exists(image):
        if variable in os.environ:
            pytest.fail(f"image {image} ({variable}) is missing")
        subprocess.run([ROOT / build_script], env={**os.environ, "DOCKER": DOCKER}, check=True, timeout=600)


def load_dag_module(name="users_pipeline_fresh"):
    """Imports dags/users_pipeline.py afresh (its settings are read from the environment at import)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "dags" / "users_pipeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TaskDone:
    """A task instance for rendering a template: `xcom_pull` gives what one upstream task returned."""

    def __init__(self, task_id, value):
        self.task_id, self.value = task_id, value

    def xcom_pull(self, task_ids):
        assert task_ids == self.task_id
        return self.value
