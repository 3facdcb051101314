#!/usr/bin/env bash
# Makes a Docker engine answer on /var/run/docker.sock, for the end-to-end tests: starts dockerd in
# the background if none runs (machines without systemd; script/setup.sh installs it). Prints the docker CLI to use on stdout.
# Debian's CLI goes with Debian's engine (20.10, BuildKit built in); another, newer CLI first on
# PATH may lack buildx. Usage: docker="$(script/docker-engine.sh [start])"
#        script/docker-engine.sh cli     only prints the docker CLI to use; starts nothing
#        script/docker-engine.sh fresh   starts an empty engine that belongs to the tests alone: its
#                                        data root (TEST_DOCKER_DATA_ROOT) is emptied first, so no
#                                        image, container, volume or network of an earlier run is
#                                        there (script/test.sh does this when CI=true). Refuses when
#                                        a dockerd runs already: that engine may be someone's own.
#        script/docker-engine.sh stop    stops the dockerd that this script started, if any
set -euo pipefail

mode="${1:-start}"
[[ "$mode" =~ ^(start|fresh|cli|stop)$ ]] || { echo "docker-engine: unknown command $mode (start, fresh, cli or stop)" >&2; exit 2; }

pid_file=/var/run/users-pipeline-dockerd.pid
fresh_root="${TEST_DOCKER_DATA_ROOT:-/var/lib/users-pipeline/test-docker}"

stop() {
  [[ -f "$pid_file" ]] || return 0
  local pid
  pid="$(cat "$pid_file")"
  echo "docker-engine: stopping dockerd ($pid)" >&2
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  rm -f "$pid_file"
}
[[ "$mode" != stop ]] || { stop; exit 0; }

command -v dockerd >/dev/null \
  || { echo "docker-engine: no Docker engine: run script/setup.sh first (it installs Debian's docker.io)" >&2; exit 1; }
docker=/usr/bin/docker
[[ -x "$docker" ]] || docker="$(command -v docker)"
[[ "$mode" != cli ]] || { echo "$docker"; exit 0; }

data_root_args=()
if [[ "$mode" == fresh ]]; then
  ! "$docker" info >/dev/null 2>&1 \
    || { echo "docker-engine: a fresh engine was asked for (CI=true), but a dockerd answers on /var/run/docker.sock already; it is left alone: stop it first (script/docker-engine.sh stop, if this script started it)" >&2; exit 1; }
  # A dockerd killed without its shutdown leaves its overlay mounts behind, and they cannot be deleted.
  awk -v root="$fresh_root/" 'index($2 "/", root) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount -l
  rm -rf "$fresh_root"
  mkdir -p "$fresh_root"
  data_root_args=(--data-root "$fresh_root")
fi

if ! "$docker" info >/dev/null 2>&1; then
  log=/var/log/dockerd.log
  echo "docker-engine: starting dockerd ${data_root_args[*]} (log: $log)" >&2
  nohup dockerd "${data_root_args[@]}" >"$log" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 60); do
    "$docker" info >/dev/null 2>&1 && break
    sleep 1
  done
  "$docker" info >/dev/null 2>&1 || { echo "docker-engine: dockerd did not answer within 60 s, see $log" >&2; exit 1; }
fi
if [[ "$mode" == fresh ]]; then
  root="$("$docker" info --format '{{.DockerRootDir}}')"
  [[ "$root" == "$fresh_root" && -z "$("$docker" images -aq)" ]] \
    || { echo "docker-engine: the engine that answers is not the fresh one of $fresh_root (its data root: $root)" >&2; exit 1; }
  echo "docker-engine: an empty engine of the tests' own, data root $fresh_root" >&2
fi
echo "$docker"
