#!/usr/bin/env bash
# Makes a Docker engine answer on /var/run/docker.sock, for the end-to-end tests: installs Debian's
# docker.io if no engine is installed and starts dockerd in the background if none runs (machines
# without systemd). Prints the docker CLI to use on stdout.
# Debian's CLI goes with Debian's engine (20.10, BuildKit built in); another, newer CLI first on
# PATH may lack buildx. Usage: docker="$(script/docker-engine.sh)"
set -euo pipefail

if ! command -v dockerd >/dev/null; then
  echo "docker-engine: installing docker.io" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
docker=/usr/bin/docker
[[ -x "$docker" ]] || docker="$(command -v docker)"

if ! "$docker" info >/dev/null 2>&1; then
  log=/var/log/dockerd.log
  echo "docker-engine: starting dockerd (log: $log)" >&2
  nohup dockerd >"$log" 2>&1 &
  for _ in $(seq 60); do
    "$docker" info >/dev/null 2>&1 && break
    sleep 1
  done
  "$docker" info >/dev/null 2>&1 || { echo "docker-engine: dockerd did not answer within 60 s, see $log" >&2; exit 1; }
fi
echo "$docker"
