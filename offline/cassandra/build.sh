#!/usr/bin/env bash
# Builds local/cassandra:<cassandra.version of pom.xml>, the stand-in for the cassandra image (see
# Dockerfile). Its build context target/offline/cassandra/ gets, beside the files of this folder:
#   lib/     cassandra-all and its runtime dependencies (test-support/servers/cassandra resolves them
#            from Maven Central), jamm included
#   conf/jvm17-server.options   the project's one copy of Cassandra's JDK 17 options
#   wheels/  cqlsh and its dependencies at the versions of cqlsh-requirements.txt, from PyPI
# Environment: DOCKER (the docker CLI, default /usr/bin/docker). Progress on stderr, nothing on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

docker="${DOCKER:-/usr/bin/docker}"
version="$(sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' pom.xml)"
context=target/offline/cassandra
arch="$(uname -m)"

rm -rf "$context" && mkdir -p "$context"
cp -r offline/cassandra/Dockerfile offline/cassandra/bin offline/cassandra/conf \
  offline/cassandra/docker-entrypoint.sh "$context/"
cp test-support/src/main/resources/servers/cassandra-jvm17.options "$context/conf/jvm17-server.options"

echo "offline/cassandra: Cassandra $version jars from Maven Central" >&2
mvn -B -q -f test-support/servers/cassandra/pom.xml dependency:copy-dependencies \
  -DincludeScope=provided -DoutputDirectory="$PWD/$context/lib" >&2

# Wheels for the image's Python (Debian bookworm: CPython 3.11, glibc 2.36), whatever runs this script.
echo "offline/cassandra: cqlsh wheels from PyPI" >&2
mkdir -p "$context/wheels"
cp offline/cassandra/cqlsh-requirements.txt "$context/wheels/"
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --python-version 3.11 --implementation cp --abi cp311 \
  --platform "manylinux2014_$arch" --platform "manylinux_2_17_$arch" --platform "manylinux_2_28_$arch" \
  -r offline/cassandra/cqlsh-requirements.txt -d "$context/wheels" >&2

echo "offline/cassandra: building local/cassandra:$version" >&2
DOCKER_BUILDKIT=1 "$docker" build --force-rm --build-arg CASSANDRA_VERSION="$version" \
  -t "local/cassandra:$version" "$context" >&2
