#!/usr/bin/env bash
# Installs a real Spark 3.5.7 distribution (bin/spark-submit, bin/spark-class, jars/) for the
# stream-users tests and benchmark, once, and prints its SPARK_HOME on stdout.
# PyPI's pyspark wheel is the Spark distribution that a package registry serves. It goes into
# the project-local .venv/ with --target, so no virtualenv and no system site is needed (and
# PEP 668 does not apply). Usage: export SPARK_HOME="$(script/install-spark.sh)"
#        script/install-spark.sh --check   only prints SPARK_HOME; fails when Spark is not installed
set -euo pipefail
cd "$(dirname "$0")/.."

version=3.5.7
target="$PWD/.venv/spark-$version"
spark_home="$target/pyspark"

if [[ ! -x "$spark_home/bin/spark-submit" || ! -d "$spark_home/jars" ]]; then
  [[ "${1:-}" != --check ]] || { echo "install-spark: no Spark $version in $target: run script/setup.sh first" >&2; exit 1; }
  python3 -m pip --version >/dev/null 2>&1 \
    || { echo "install-spark: python3 -m pip is missing (apt-get install python3-pip)" >&2; exit 1; }
  echo "install-spark: installing pyspark==$version into $target" >&2
  rm -rf "$target"
  # --no-deps: only the JVM side is used; py4j is for Python drivers.
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$target" "pyspark==$version" >&2
  chmod +x "$spark_home"/bin/*
fi
echo "$spark_home"
