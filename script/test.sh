#!/usr/bin/env bash
# Runs every test of the project against real servers (Kafka, Cassandra, a Spark standalone master
# and worker) that the tests start themselves: unit tests, then integration tests (*IT) against
# the built task jars.
set -euo pipefail
cd "$(dirname "$0")/.."
script/setup.sh
SPARK_HOME="$(script/install-spark.sh)"
export SPARK_HOME
mvn -B verify "$@"
