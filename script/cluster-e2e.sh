#!/usr/bin/env bash
# The cluster profile end to end: script/compose-e2e.sh on the stack of compose/cluster.env (3 Kafka
# nodes, 3 Cassandra nodes, 2 Spark workers, 2 Airflow Celery workers, the checkpoint on HDFS), with
# the offline image set, running tests/stack/test_cluster.py: the profile comes up from nothing;
# runs succeed exactly while one node of each kind is killed, with two nodes down throughout, and
# with the scheduler restarted; `down -v` leaves nothing. The last line:
#   {"nodes":{…},"runs":N,"faults":[…],"lost":0,"foreign":0,"seed":S,"peak_mib":…,"left_behind":0}
# Exits 0 only if every run was exact and nothing was left.
# Environment: CLUSTER_USERS_PER_RUN (default 10000), CLUSTER_FAULT_SEED (random; the line gives it,
# to replay a fault schedule), and what script/compose-e2e.sh reads.
# Arguments go to pytest after the test file, e.g. -k down_throughout for one of its runs.
set -euo pipefail
cd "$(dirname "$0")/.."

export STACK_ENV_FILE=compose/cluster.env
export CLUSTER_USERS_PER_RUN="${CLUSTER_USERS_PER_RUN:-10000}"
# Batches of 1,000 users: the job's writes last long enough for a fault to land among them.
export USERS_PIPELINE_STREAM_MAX_OFFSETS_PER_TRIGGER="${USERS_PIPELINE_STREAM_MAX_OFFSETS_PER_TRIGGER:-1000}"
# Runs one after the other, within the real API's 5-minute window: the stand-in has no limit.
export USERS_PIPELINE_RANDOMUSER_RATE_LIMIT_USERS="${USERS_PIPELINE_RANDOMUSER_RATE_LIMIT_USERS:-0}"
# The DAG's 3 retries: a seed may fail two tries of one task (a fault on each).
export USERS_PIPELINE_RETRIES="${USERS_PIPELINE_RETRIES:-3}"
# No lateness alerts: every cluster run would be late at compose-e2e's minute (the alerts have their own test).
export USERS_PIPELINE_LATE_AFTER_MINUTES="${USERS_PIPELINE_LATE_AFTER_MINUTES:-0}"
# Three Cassandra nodes join one after the other.
export STACK_HEALTH_TIMEOUT_SECONDS="${STACK_HEALTH_TIMEOUT_SECONDS:-900}"
exec script/compose-e2e.sh tests/stack/test_cluster.py "$@"
