#!/usr/bin/env bash
# Installs, once, everything the build and the tests need on a fresh Debian machine (run as root),
# and nothing that is already there: JDK 17, Maven, pip and venv, shellcheck (script/lint.sh),
# Docker's engine and debootstrap (end-to-end tests), Chromium (the compose stack's browser test
# drives it), npm (the offline Mailpit's web UI); then a Spark 3.5.7 distribution (script/install-spark.sh), the tests' Python
# environment with Airflow, pytest and ruff (script/airflow-venv.sh) and Docker Compose v2
# (script/install-compose.sh). Kafka and Cassandra come from Maven Central during the build.
# Run it again after a change to requirements*.txt. script/test.sh only tests: it installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v javac >/dev/null && javac -version 2>&1 | grep -q ' 17\.' || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need_apt+=(maven)
python3 -m pip --version >/dev/null 2>&1 || need_apt+=(python3-pip)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
command -v shellcheck >/dev/null || need_apt+=(shellcheck)
command -v dockerd >/dev/null || need_apt+=(docker.io)
command -v debootstrap >/dev/null || need_apt+=(debootstrap)
[[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
# The offline Mailpit's web UI (offline/mailpit/build.sh). Its Go is the one that builds Compose
# (1.24+), which fetches the release Mailpit's go.mod asks for (GOTOOLCHAIN=auto).
command -v npm >/dev/null || need_apt+=(npm)
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
script/install-spark.sh >/dev/null
script/airflow-venv.sh >/dev/null
docker_cli="$(script/docker-engine.sh cli)"
script/install-compose.sh "$docker_cli"
echo "setup: done; script/test.sh runs the tests" >&2
