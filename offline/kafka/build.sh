#!/usr/bin/env bash
# Builds local/kafka:<kafka.version of pom.xml>, the stand-in for apache/kafka (see Dockerfile):
# the broker's classpath (test-support/servers/kafka resolves it from Maven Central) goes into the
# build context target/offline/kafka/ beside bin/ and config/ of this folder.
# Environment: DOCKER (the docker CLI, default /usr/bin/docker). Progress on stderr, nothing on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

version="$(offline/maven-context.sh kafka kafka.version libs Dockerfile bin config)"
offline/build-image.sh "local/kafka:$version" target/offline/kafka
