#!/usr/bin/env bash
# Builds local/hadoop:<hadoop.server.version of pom.xml>, the stand-in for apache/hadoop (see
# Dockerfile). Its build context target/offline/hadoop/ gets, beside bin/ and etc/ of this folder:
#   lib/      hadoop-hdfs, hadoop-hdfs-client, hadoop-common and their runtime dependencies
#             (test-support/servers/hadoop resolves them from Maven Central)
#   webapps/  the NameNode's and DataNode's web UIs, out of hadoop-hdfs's tests jar (the one
#             artifact on Maven Central that carries them); the jar itself is left out of lib/
# Environment: DOCKER (the docker CLI, default /usr/bin/docker). Progress on stderr, nothing on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

version="$(offline/maven-context.sh hadoop hadoop.server.version lib Dockerfile bin etc)"
context=target/offline/hadoop

tests_jar="$context/lib/hadoop-hdfs-$version-tests.jar"
unzip -q "$tests_jar" 'webapps/*' -d "$context"
rm "$tests_jar"
# The web UIs of the NameNode (hdfs), DataNode, Secondary NameNode and the pages they share (static).
for webapp in hdfs datanode secondary static; do
  [[ -d "$context/webapps/$webapp" ]] || { echo "offline/hadoop: webapps/$webapp missing in $tests_jar" >&2; exit 1; }
done

offline/build-image.sh "local/hadoop:$version" "$context"
