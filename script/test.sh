#!/usr/bin/env bash
# Runs every test of the project against real servers (Kafka, …) that the tests start themselves.
# Unit tests, then integration tests (*IT) against the built task jars.
set -euo pipefail
cd "$(dirname "$0")/.."
script/setup.sh
mvn -B verify "$@"
