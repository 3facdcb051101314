#!/usr/bin/env bash
# The linters, the first and fast step of script/test.sh: ruff (ruff.toml) for the Python of dags/, plugins/
# and tests/, shellcheck for the shell scripts (script/, compose/, offline/, airflow/, .ci/run),
# Spotless (palantir-java-format, the parent pom) for the Java of every module: `mvn spotless:apply`
# formats it.
# Installs nothing: script/setup.sh installs both. Usage: script/lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."

venv="$(script/airflow-venv.sh --check)"
command -v shellcheck >/dev/null || { echo "lint: shellcheck is missing: run script/setup.sh first" >&2; exit 1; }

"$venv/bin/ruff" check --quiet dags plugins tests
mapfile -t scripts < <(find script compose offline airflow -name '*.sh' | sort)
shellcheck "${scripts[@]}" .ci/run
mvn -q -B spotless:check
echo "lint: ruff, shellcheck and Spotless found nothing" >&2
