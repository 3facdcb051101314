#!/usr/bin/env bash
# Makes a Docker engine answer on /var/run/docker.sock, for the end-to-end tests: starts dockerd in
# the background if none runs (machines without systemd; script/setup.sh installs it). Prints the docker CLI to use on stdout.
# Debian's CLI goes with Debian's engine (20.10, BuildKit built in); another, newer CLI first on
# PATH may lack buildx. Usage: docker="$(script/docker-engine.sh)"
#        script/docker-engine.sh cli     only prints the docker CLI to use; starts nothing
#        script/docker-engine.sh stop    stops the dockerd that this script started, if any
set -euo pipefail

pid_file=/var/run/users-pipeline-dockerd.pid
if [[ "${1:-}" == stop ]]; then
  if [[ -f "$pid_file" ]]; then
    pid="$(cat "$pid_file")"
    echo "docker-engine: stopping dockerd ($pid)" >&2
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    rm -f "$pid_file"
  fi
  exit 0
fi

command -v dockerd >/dev/null \
  || { echo "docker-engine: no Docker engine: run script/setup.sh first (it installs Debian's docker.io)" >&2; exit 1; }
docker=/usr/bin/docker
[[ -x "$docker" ]] || docker="$(command -v docker)"
[[ "${1:-}" != cli ]] || { echo "$docker"; exit 0; }

if ! "$docker" info >/dev/null 2>&1; then
  log=/var/log/dockerd.log
  echo "docker-engine: starting dockerd (log: $log)" >&2
  nohup dockerd >"$log" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 60); do
    "$docker" info >/dev/null 2>&1 && break
    sleep 1
  done
  "$docker" info >/dev/null 2>&1 || { echo "docker-engine: dockerd did not answer within 60 s, see $log" >&2; exit 1; }
fi
echo "$docker"
