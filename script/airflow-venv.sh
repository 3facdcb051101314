#!/usr/bin/env bash
# Creates (once, and again when the requirements change) the Python environment of the DAG tests
# in .venv/airflow: Airflow 3 and the Docker provider from requirements.txt, pytest and the
# Cassandra driver from requirements-test.txt. Prints the environment's directory on stdout.
# Usage: venv="$(script/airflow-venv.sh)"; "$venv/bin/pytest" tests
#        script/airflow-venv.sh --check   only prints the directory; fails when it is missing or stale
set -euo pipefail
cd "$(dirname "$0")/.."

venv="$PWD/.venv/airflow"
stamp="$venv/.requirements.sha256"
wanted="$(cat requirements.txt requirements-test.txt | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
  [[ "${1:-}" != --check ]] \
    || { echo "airflow-venv: $venv is missing or older than the requirements: run script/setup.sh first" >&2; exit 1; }
  python3 -c 'import ensurepip, venv' 2>/dev/null \
    || { echo "airflow-venv: python3 -m venv is missing (script/setup.sh installs it)" >&2; exit 1; }
  echo "airflow-venv: installing requirements-test.txt into $venv (about a minute)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements-test.txt >&2
  echo "$wanted" >"$stamp"
fi
echo "$venv"
