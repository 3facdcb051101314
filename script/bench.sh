#!/usr/bin/env bash
# Benchmarks against real servers started for the purpose. Prints one JSON line per figure:
#   {"figure":NAME,"value":X,"unit":U,"baseline":B,"ratio":X/B}
# (baseline and ratio null where there is none); everything else goes to stderr. Installs nothing
# (script/setup.sh does); builds and installs the jars it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
SPARK_HOME="$(script/install-spark.sh --check)"
export SPARK_HOME
mvn -q install -DskipTests >&2

bench() { # module, benchmark main class; run in the module's folder, as its tests are
  # Debian's Maven writes ANSI resets on stdout even in batch mode: keep the JSON lines clean.
  (cd "$1" && mvn -q exec:java -Dexec.classpathScope=test -Dexec.mainClass="$2") | sed 's/\x1b\[[0-9;]*m//g'
}

bench tasks/fetch-users io.github.userspipeline.fetchusers.FetchUsersBenchmark
bench tasks/stream-users io.github.userspipeline.streamusers.StreamUsersBenchmark
bench tasks/stream-users io.github.userspipeline.streamusers.SparkStartupBenchmark
bench tasks/verify-cassandra io.github.userspipeline.verifycassandra.VerifyBenchmark
