#!/usr/bin/env bash
# Builds local/airflow:3.3.2-python3.11, the stand-in for apache/airflow:3.3.2-python3.11 (see
# the Dockerfile), from local/debian:bookworm (script/base-images.sh) and PyPI wheels. Containers
# here cannot reach PyPI over HTTPS, so pip downloads the wheels on this host, for CPython 3.11 on
# Linux (the image's Python, whatever Python runs pip here), into target/offline/airflow/wheels;
# they are downloaded again only when the pins change. The image installs them with --no-index.
# Usage: DOCKER=/usr/bin/docker offline/airflow/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

docker="${DOCKER:-/usr/bin/docker}"
image=local/airflow:3.3.2-python3.11
# The Postgres drivers, as Airflow's postgres extra brings them (newest releases before Airflow
# 3.3.2): psycopg2 for compose's sql_alchemy_conn (postgresql+psycopg2), and asyncpg for the async
# engine Airflow derives from it (postgresql+asyncpg): without it `airflow db migrate` fails.
drivers=(psycopg2-binary==2.9.13 asyncpg==0.31.0)
# The pip that the official image's Dockerfile installs (AIRFLOW_PIP_VERSION).
pip_version=26.1.2
context=target/offline/airflow

mkdir -p "$context"
# The image's constraints file: requirements.txt's pins (Airflow, the Docker, Celery and Slack
# providers and every dependency) and the drivers; the image installs exactly this list.
{ grep -E '^[A-Za-z0-9]' requirements.txt; printf '%s\n' "${drivers[@]}"; } >"$context/constraints.txt"
stamp="$(cat "$context/constraints.txt" <(echo "pip==$pip_version") | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$context/wheels/.pins.sha256" 2>/dev/null)" != "$stamp" ]]; then
  echo "airflow: downloading the wheels into $context/wheels (about a minute)" >&2
  rm -rf "$context/wheels"
  arch="$(uname -m)"
  # pip expands manylinux2014 to the older tags, not the PEP 600 ones: glibc 2.17 to 2.36 (bookworm's).
  platforms=(--platform "manylinux2014_$arch")
  for minor in $(seq 17 36); do platforms+=(--platform "manylinux_2_${minor}_$arch"); done
  # Markers are dropped: pip judges them by the Python running it, not the image's 3.11.2, and
  # async-timeout (python_full_version < "3.11.3") is needed there; the image's pip judges them.
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version 3.11 --implementation cp --abi cp311 "${platforms[@]}" \
    --dest "$context/wheels" -r <(sed 's/ *;.*//' "$context/constraints.txt") "pip==$pip_version" >&2
  echo "$stamp" >"$context/wheels/.pins.sha256"
fi
cp offline/airflow/entrypoint.sh "$context/entrypoint.sh"

echo "airflow: building $image" >&2
DOCKER_BUILDKIT=1 "$docker" build --quiet --force-rm --build-arg "AIRFLOW_PIP_VERSION=$pip_version" \
  -t "$image" -f offline/airflow/Dockerfile "$context" >/dev/null
