#!/usr/bin/env bash
# Benchmarks against real servers started for the purpose. Prints one JSON line per figure:
#   {"figure":NAME,"value":X,"unit":U,"baseline":B,"ratio":X/B}
# (baseline and ratio null where there is none); everything else goes to stderr. Installs nothing
# (script/setup.sh does); builds and installs the jars it measures.
# Usage: script/bench.sh [PART ...], PART one of fetch, spark, verify, dag-run (default: all, in
# that order). dag-run starts the compose stack (Docker, about 7 minutes with its images built).
# scale, only when named: runs of 10,000, 100,000 and 1,000,000 users through the job and verify
# (about 6 minutes; BENCH_SCALE_USERS=10000,100000 picks other sizes).
# checkpoint, only when named: script/bench-checkpoint.sh (the Spark checkpoint on HDFS against s3a://,
# in Docker, about 5 minutes); its lines add "store", and its ratio lines are {"figure","s3a_over_hdfs"}.
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("$@")
((${#parts[@]})) || parts=(fetch spark verify dag-run)
SPARK_HOME="$(script/install-spark.sh --check)"
export SPARK_HOME
mvn -q install -DskipTests >&2

bench() { # module, benchmark main class; run in the module's folder, as its tests are
  # Debian's Maven writes ANSI resets on stdout even in batch mode: keep the JSON lines clean.
  (cd "$1" && mvn -q exec:java -Dexec.classpathScope=test -Dexec.mainClass="$2") | sed 's/\x1b\[[0-9;]*m//g'
}

for part in "${parts[@]}"; do
  case "$part" in
    fetch) bench tasks/fetch-users io.github.userspipeline.fetchusers.FetchUsersBenchmark ;;
    spark)
      bench tasks/stream-users io.github.userspipeline.streamusers.StreamUsersBenchmark
      bench tasks/stream-users io.github.userspipeline.streamusers.SparkStartupBenchmark ;;
    verify) bench tasks/verify-cassandra io.github.userspipeline.verifycassandra.VerifyBenchmark ;;
    scale) bench pipeline-tests io.github.userspipeline.pipelinetests.ScaleBenchmark ;;
    checkpoint) script/bench-checkpoint.sh ;;
    dag-run)
      # Whole runs through the stack's scheduler; the API's rate limit lifted for the 50,000-user run.
      USERS_PIPELINE_RANDOMUSER_RATE_LIMIT_USERS=0 script/compose-e2e.sh tests/stack/bench_dag_run.py >&2
      cat target/compose-e2e/figures.jsonl ;;
    *) echo "bench: unknown part $part (fetch, spark, verify, dag-run, scale, checkpoint)" >&2; exit 2 ;;
  esac
done
