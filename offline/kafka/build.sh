#!/usr/bin/env bash
# Builds local/kafka:<kafka.version of pom.xml>, the stand-in for apache/kafka (see Dockerfile):
# the broker's classpath (test-support/servers/kafka resolves it from Maven Central) goes into the
# build context target/offline/kafka/ beside bin/ and config/ of this folder.
# Environment: DOCKER (the docker CLI, default /usr/bin/docker). Progress on stderr, nothing on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

docker="${DOCKER:-/usr/bin/docker}"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)"
context=target/offline/kafka

echo "offline/kafka: Kafka $version jars from Maven Central" >&2
rm -rf "$context" && mkdir -p "$context"
cp -r offline/kafka/Dockerfile offline/kafka/bin offline/kafka/config "$context/"
mvn -B -q -f test-support/servers/kafka/pom.xml dependency:copy-dependencies \
  -DincludeScope=provided -DoutputDirectory="$PWD/$context/libs" >&2

echo "offline/kafka: building local/kafka:$version" >&2
DOCKER_BUILDKIT=1 "$docker" build --force-rm -t "local/kafka:$version" "$context" >&2
