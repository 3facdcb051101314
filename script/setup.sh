#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine (run as root), and
# nothing that is already there: JDK 17 and Maven. Servers come from Maven Central during the build.
set -euo pipefail

need_apt=()
command -v javac >/dev/null && javac -version 2>&1 | grep -q ' 17\.' || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need_apt+=(maven)
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
