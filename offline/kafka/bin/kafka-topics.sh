#!/usr/bin/env bash
# Creates, lists and describes topics (org.apache.kafka.tools.TopicCommand); arguments pass through.
set -euo pipefail
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.TopicCommand "$@"
