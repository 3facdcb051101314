"""Airflow for the DAG and plugin tests runs from this checkout: its home under target/, this
repository's dags/ and plugins/."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Before anything imports airflow: its settings are read once, at import.
os.environ["AIRFLOW_HOME"] = str(ROOT / "target" / "airflow")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(ROOT / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
