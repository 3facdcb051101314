#!/usr/bin/env bash
# Entrypoint of the Airflow stand-in: like the official image's, `bash ...` and `python ...` run
# as they are, `airflow <command>` and a bare `<command>` both run `airflow <command>`, and no
# argument shows Airflow's help. The official one's optional extras (waiting for the database,
# _AIRFLOW_DB_MIGRATE, _AIRFLOW_WWW_USER_CREATE, _PIP_ADDITIONAL_REQUIREMENTS) are not here:
# this project's airflow/Dockerfile replaces the entrypoint with airflow/entrypoint.sh.
set -euo pipefail

case "${1:-}" in
  bash | python) exec "$@" ;;
  airflow) shift ;;
esac
exec airflow "$@"
