#!/usr/bin/env bash
# End to end on the stack as users start it: README's command, `docker compose up -d --build`, with
# only compose/offline.env added (the stand-in images of script/offline-images.sh, since no container
# registry is reachable here). Then, through the stack's own front doors (tests/stack):
#   the scheduler runs users_pipeline (REST API v2 trigger, the first daily run too), CQL proves the
#   data; a clear of submit_spark and downstream; Cassandra stopped during submit_spark and Airflow's
#   retry; a person in a real browser (Chromium). Last, `docker compose down -v` leaves nothing behind.
# The last line:
#   {"dag_run_state":…,"produced":N,"found":N,"seconds":…,"stack_healthy_seconds":…}
# Takes the task jars (TASK_JAR_SOURCE=host-build) and test-support's randomuser stand-in from the
# last `mvn install`: script/test.sh runs it before; alone, run `mvn install -DskipTests` first.
# Installs nothing (script/setup.sh does).
# Arguments: the tests to run (default: tests/stack/test_airflow_image.py, test_scheduled_runs.py,
# test_alerts_stack.py, test_assets_stack.py, test_backfill_stack.py, test_rebuild_stack.py,
# test_erase_stack.py, test_roles.py, test_browser.py;
# script/bench.sh gives tests/stack/bench_dag_run.py).
# Environment: STACK_ENV_FILE, an env file given after compose/offline.env (script/cluster-e2e.sh:
# compose/cluster.env); STACK_HEALTH_TIMEOUT_SECONDS (default 600), KEEP_STACK=1 leaves the stack running (the next run removes it);
# USERS_PIPELINE_RANDOMUSER_RATE_LIMIT_USERS, when set, is both fetch-users' limit and the stand-in's.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "compose-e2e: $*" >&2; }
tests=("$@")
((${#tests[@]})) || tests=(tests/stack/test_airflow_image.py tests/stack/test_scheduled_runs.py tests/stack/test_alerts_stack.py
  tests/stack/test_assets_stack.py tests/stack/test_backfill_stack.py tests/stack/test_rebuild_stack.py
  tests/stack/test_erase_stack.py tests/stack/test_roles.py tests/stack/test_browser.py)

work="$PWD/target/compose-e2e"
rm -rf "$work" && mkdir -p "$work"
[[ -d test-support/target/classes ]] \
  || { log "test-support is not built: run mvn install -DskipTests first (script/test.sh does)"; exit 1; }
docker="$(script/docker-engine.sh)"
script/install-compose.sh --check "$docker"
venv="$(script/airflow-venv.sh --check)"
images_started=$SECONDS
script/offline-images.sh
log "offline images ready in $((SECONDS - images_started)) s"

# Settings of the tests' stack, each a variable of .env.example:
# - a try a fault failed is retried after 15 s, not the DAG's default minute, twice (not 3 times):
#   every fault test needs one retry, and the alerts' run that fails for good ends sooner;
export USERS_PIPELINE_RETRY_DELAY_SECONDS="${USERS_PIPELINE_RETRY_DELAY_SECONDS:-15}"
export USERS_PIPELINE_RETRIES="${USERS_PIPELINE_RETRIES:-2}"
# - a task whose scheduler or worker died is failed, and retried, 60 s after its last heartbeat (not 300);
export AIRFLOW_TASK_HEARTBEAT_TIMEOUT_SECONDS="${AIRFLOW_TASK_HEARTBEAT_TIMEOUT_SECONDS:-60}"
# - a run not verified a minute after its logical date is late (every run here is: tests/stack/test_alerts_stack.py
#   reads the lateness mails in Mailpit).
export USERS_PIPELINE_LATE_AFTER_MINUTES="${USERS_PIPELINE_LATE_AFTER_MINUTES:-1}"

# Every `docker compose` here and in the tests reads these, as `--env-file` given once per file.
export COMPOSE_ENV_FILES="compose/offline.env${STACK_ENV_FILE:+,$STACK_ENV_FILE}"
compose=("$docker" compose)
project=users-pipeline
randomuser=users-pipeline-randomuser

# The test starts the stack from nothing and removes it at the end: never someone's own stack, but
# the one a killed run of this script left.
script/stack-leftovers.sh "$docker" "$project" "$randomuser"

sampler_pid=
stop_stack() {
  [[ -z "$sampler_pid" ]] || kill "$sampler_pid" 2>/dev/null || true
  sampler_pid=
  "${compose[@]}" logs --no-color >"$work/stack.log" 2>&1 || true
  [[ "${KEEP_STACK:-0}" != 1 ]] || return 0
  "$docker" rm -f "$randomuser" >/dev/null 2>&1 || true
  # Every profile's services, whichever the env files chose: `down` takes only the active ones.
  "${compose[@]}" --profile "*" down -v --remove-orphans >"$work/down.log" 2>&1
}
trap 'stop_stack || true' EXIT

# The randomuser stand-in (test-support) in a container of its own on the stack's network, where
# the task containers find it by name; started as soon as `up` has made the network. Published on
# 127.0.0.1:RANDOMUSER_PORT (default 8099) for the tests, which inject invalid users through it.
randomuser_port=8099
export USERS_PIPELINE_RANDOMUSER_URL="http://randomuser:$randomuser_port/api/1.4/"
# (Debian's Maven writes ANSI resets on stdout, even with -B.)
classpath="$(mvn -q -B -pl test-support dependency:build-classpath -Dmdep.outputFile=/dev/stdout \
  -Dmdep.includeScope=runtime | sed 's/\x1b\[[0-9;]*m//g')"
start_randomuser() {
  for _ in $(seq 600); do
    "$docker" network inspect "$project" >/dev/null 2>&1 && break
    sleep 1
  done
  "$docker" run -d --name "$randomuser" --network "$project" --network-alias randomuser \
    -p "127.0.0.1:${RANDOMUSER_PORT:-8099}:$randomuser_port" \
    -v "$PWD/test-support/target:/test-support:ro" -v "$HOME/.m2/repository:$HOME/.m2/repository:ro" \
    local/jre:17 java -cp "/test-support/classes:$classpath" \
    io.github.userspipeline.testsupport.randomuser.RandomUserApi "$randomuser_port" \
    ${USERS_PIPELINE_RANDOMUSER_RATE_LIMIT_USERS:+"$USERS_PIPELINE_RANDOMUSER_RATE_LIMIT_USERS"} >/dev/null
  log "randomuser stand-in at $USERS_PIPELINE_RANDOMUSER_URL"
}

# Peak memory of every container together: the resident set (page cache not counted) of Docker's
# parent cgroup (cgroup v1), every 2 s.
sample_memory() {
  local stat=/sys/fs/cgroup/memory/docker/memory.stat peak=0 rss
  while sleep 2; do
    rss="$(awk '$1 == "total_rss" { print $2 }' "$stat" 2>/dev/null)"
    ((${rss:-0} <= peak)) || { peak=$rss; echo "$peak" >"$work/peak-rss-bytes"; }
  done
}
sample_memory & sampler_pid=$!

log "docker compose up -d --build, with the env files $COMPOSE_ENV_FILES"
started=$SECONDS
start_randomuser & randomuser_pid=$!
# Healthy: every long-running service reports healthy; the one-shots exited 0. Fills `unhealthy`.
find_unhealthy() {
  unhealthy=()
  while read -r name state health; do
    # The task services run only as the DAG's one-off containers (the first daily run starts at once).
    [[ "$name" =~ ^(fetch-users|submit-spark|verify-cassandra|erase-user)$ ]] && continue
    [[ "$state" == running && "$health" == healthy ]] && continue
    [[ "$state" == exited* && "$state" == *"(0)"* ]] && continue
    unhealthy+=("$name")
  done < <("${compose[@]}" ps -a --format '{{.Service}} {{.State}}{{if eq .State "exited"}}({{.ExitCode}}){{end}} {{.Health}}')
}
# Their reasons, in the output that CI keeps.
show_unhealthy() {
  for service in "${unhealthy[@]}"; do
    log "$service is not healthy; its last log lines:"
    "${compose[@]}" logs --no-color --tail 30 "$service" >&2 || true
  done
}

if ! "${compose[@]}" up -d --build >"$work/up.log" 2>&1; then
  tail -n 40 "$work/up.log" >&2
  find_unhealthy
  show_unhealthy
  log "docker compose up failed (whole output: $work/up.log)"
  exit 1
fi
wait "$randomuser_pid"

deadline=$((SECONDS + ${STACK_HEALTH_TIMEOUT_SECONDS:-600}))
while find_unhealthy; ((${#unhealthy[@]} > 0)); do
  if ((SECONDS >= deadline)); then
    show_unhealthy
    exit 1
  fi
  sleep 5
done
stack_healthy_seconds=$((SECONDS - started))
log "every service healthy after $stack_healthy_seconds s"

status=0
STACK_HEALTHY_SECONDS="$stack_healthy_seconds" COMPOSE_WORK="$work" DOCKER="$docker" \
  "$venv/bin/pytest" -v --durations=0 -p no:cacheprovider "${tests[@]}" >&2 \
  || status=$?
stop_stack
trap - EXIT
log "peak resident memory of the stack's containers: $(( $(cat "$work/peak-rss-bytes" 2>/dev/null || echo 0) / 1048576 )) MiB"

left=()
if [[ "${KEEP_STACK:-0}" != 1 ]]; then
  mapfile -t left < <(
    "$docker" ps -aq --filter "label=com.docker.compose.project=$project"
    "$docker" network ls -q --filter "label=com.docker.compose.project=$project"
    "$docker" volume ls -q --filter "label=com.docker.compose.project=$project"
    "$docker" volume ls -q --filter name=users-pipeline)
  if ((${#left[@]})); then
    log "docker compose down -v --remove-orphans left ${#left[@]} containers, networks or volumes of $project behind"
    status=1
  fi
fi

# The tests' figures, with the stack's peak memory and what `down -v` left.
if [[ -f "$work/result.json" ]]; then
  python3 -c 'import json, sys; line = json.load(open(sys.argv[1]))
line.update(peak_mib=int(sys.argv[2]) // 1048576, left_behind=int(sys.argv[3]))
print(json.dumps(line, separators=(",", ":")))' \
    "$work/result.json" "$(cat "$work/peak-rss-bytes" 2>/dev/null || echo 0)" "${#left[@]}"
fi
exit "$status"
