#!/usr/bin/env bash
# Lists consumer groups, their offsets and lag (org.apache.kafka.tools.consumer.group.ConsumerGroupCommand); arguments pass through.
set -euo pipefail
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "$@"
