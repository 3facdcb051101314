#!/usr/bin/env bash
# Describes the KRaft quorum (org.apache.kafka.tools.MetadataQuorumCommand); arguments pass through.
set -euo pipefail
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.MetadataQuorumCommand "$@"
