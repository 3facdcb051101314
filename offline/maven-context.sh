#!/usr/bin/env bash
# The build context of a stand-in made of a server's jars from Maven Central (Kafka, Hadoop):
# empties target/offline/NAME, copies the FILES of offline/NAME/ into it, and the provided-scope
# dependencies of test-support/servers/NAME (the server's jars) into its LIB folder. Prints the
# server's version, pom.xml's property VERSION_PROPERTY, on stdout.
# Usage (from the repository's root): offline/maven-context.sh NAME VERSION_PROPERTY LIB FILE...
set -euo pipefail
(($# >= 4)) || { echo "Usage: offline/maven-context.sh NAME VERSION_PROPERTY LIB FILE..." >&2; exit 2; }
name="$1" property="$2" lib="$3"
shift 3
context="target/offline/$name"
version="$(sed -n "s:.*<$property>\(.*\)</$property>.*:\1:p" pom.xml)"
[[ -n "$version" ]] || { echo "offline/$name: no <$property> in pom.xml" >&2; exit 1; }

echo "offline/$name: $name $version jars from Maven Central" >&2
rm -rf "$context" && mkdir -p "$context"
for file in "$@"; do
  cp -r "offline/$name/$file" "$context/"
done
mvn -B -q -f "test-support/servers/$name/pom.xml" dependency:copy-dependencies \
  -DincludeScope=provided -DoutputDirectory="$PWD/$context/$lib" >&2
echo "$version"
