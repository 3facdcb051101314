#!/usr/bin/env bash
# The Spark checkpoint on HDFS against an S3-compatible store, the choice the cluster profile makes
# for its shared checkpoint: the same small Structured Streaming query (script/bench-checkpoint/
# checkpoint_query.py: a rate-micro-batch source of a fixed number of rows per batch into a
# foreachBatch sink) runs on the host's Spark against
#   hdfs://  a NameNode and 3 DataNodes at replication 3, of HADOOP_IMAGE through compose/hdfs-node.sh,
#            as the cluster profile runs them (the way tests/test_hdfs_image.py starts them);
#   s3a://   S3Proxy (Apache 2.0; not MinIO, which is AGPL) on its filesystem backend, in a JRE_IMAGE
#            container, through hadoop-aws with AbortableStreamBasedCheckpointFileManager
#            (spark-hadoop-cloud), which commits a checkpoint file without a rename.
# Each query runs BENCH_BATCHES micro-batches, stops, and starts again on the same checkpoint for
# BENCH_RESTART_BATCHES more; BENCH_ROUNDS rounds, in the order hdfs s3a, s3a hdfs, hdfs s3a... so
# that a load that changes during the run (other work on the machine) weighs on both stores alike. Prints one JSON line per figure, in script/bench.sh's form plus the store:
#   {"figure":NAME,"store":"hdfs"|"s3a","value":X,"unit":U,...,"baseline":B,"ratio":X/B}
# s3a's baseline is hdfs's value in the same run; per-batch figures (walCommit, commitOffsets, their
# sum, triggerExecution, from each batch's progress) give median (the value), p90 and the batches,
# pooled over the rounds, leaving out each start's first batch; checkpoint_first_batch_seconds and
# checkpoint_restart_seconds (from start() to the end of the first batch) give the rounds' median. Then one {"figure":..._ratio,"s3a_over_hdfs":R}
# line per figure. Everything else goes to stderr. Fails when a restart skipped or replayed rows.
# What it starts (containers, volumes, a network, all named users-pipeline-bench-ckpt-<random> and
# labelled so) goes at exit. Needs Docker, the images, Maven and Spark (script/setup.sh); copies the
# jars of script/bench-checkpoint/pom.xml (versions: the parent pom) into target/bench-checkpoint/.
#
# Environment (default in brackets):
#   BENCH_BATCHES          micro-batches before the restart [30]
#   BENCH_RESTART_BATCHES  micro-batches after it [10]
#   BENCH_ROWS             rows per micro-batch [1000]
#   BENCH_ROUNDS           rounds, each a query on each store on a new checkpoint [2]
#   HADOOP_IMAGE           [local/hadoop:<hadoop.server.version of pom.xml>, offline/hadoop/build.sh]
#   JRE_IMAGE              S3Proxy's runtime [local/jre:17]
#   DOCKER                 the docker CLI [docker]
# Usage: script/bench-checkpoint.sh
set -euo pipefail
cd "$(dirname "$0")/.."

docker="${DOCKER:-docker}"
server_version="$(sed -n 's:.*<hadoop.server.version>\(.*\)</hadoop.server.version>.*:\1:p' pom.xml)"
hadoop_image="${HADOOP_IMAGE:-local/hadoop:$server_version}"
jre_image="${JRE_IMAGE:-local/jre:17}"
export BENCH_BATCHES="${BENCH_BATCHES:-30}" BENCH_RESTART_BATCHES="${BENCH_RESTART_BATCHES:-10}" \
  BENCH_ROWS="${BENCH_ROWS:-1000}"
rounds="${BENCH_ROUNDS:-2}"
SPARK_HOME="$(script/install-spark.sh --check)"
export SPARK_HOME
for image in "$hadoop_image" "$jre_image"; do
  "$docker" image inspect "$image" >/dev/null 2>&1 || { echo "bench-checkpoint: image $image is missing" >&2; exit 1; }
done

run="users-pipeline-bench-ckpt-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
label="users-pipeline-bench=$run"
namenode="$run-namenode"
s3proxy="$run-s3proxy"
out="$PWD/target/bench-checkpoint"
tmp="$(mktemp -d)"
mkdir -p "$out"
log() { echo "bench-checkpoint: $*" >&2; }

cleanup() {
  local containers volumes
  mapfile -t containers < <("$docker" ps -aq --filter "label=$label")
  ((${#containers[@]} == 0)) || "$docker" rm -f -v "${containers[@]}" >/dev/null || true
  "$docker" network rm "$run" >/dev/null 2>&1 || true
  mapfile -t volumes < <("$docker" volume ls -q --filter "label=$label")
  ((${#volumes[@]} == 0)) || "$docker" volume rm "${volumes[@]}" >/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "copying the s3a jars and S3Proxy (script/bench-checkpoint/pom.xml)"
rm -rf "$out/jars"
# Debian's Maven writes ANSI resets on stdout even when quiet: keep stdout for the figures.
mvn -q -B -f script/bench-checkpoint/pom.xml dependency:copy-dependencies -DexcludeTransitive=true \
  -DoutputDirectory="$out/jars" >&2
s3proxy_jar="$(echo "$out"/jars/s3proxy-*-jar-with-dependencies.jar)"
s3a_jars="$(find "$out/jars" -name '*.jar' ! -name 's3proxy-*' | sort | paste -sd, -)"

ip() { "$docker" inspect -f "{{(index .NetworkSettings.Networks \"$run\").IPAddress}}" "$1"; }

# --- HDFS: as compose runs it, on a network of its own.
"$docker" network create --label "$label" "$run" >/dev/null
hdfs_node() { # name role [docker run options...]
  local name="$1" role="$2"
  shift 2
  "$docker" volume create --label "$label" "$name-data" >/dev/null
  "$docker" run -d --name "$name" --hostname "$name" --network "$run" --label "$label" \
    --env "HDFS_NAMENODE_ADDRESS=$namenode:8020" "$@" -v "$name-data:/data" \
    -v "$PWD/compose/hdfs-node.sh:/compose/hdfs-node.sh:ro" \
    --entrypoint bash "$hadoop_image" /compose/hdfs-node.sh "$role" >/dev/null
}
started=$SECONDS
hdfs_node "$namenode" namenode --env HDFS_HEAP=384m
for n in 1 2 3; do hdfs_node "$run-datanode-$n" datanode; done

# --- S3Proxy on its filesystem backend, with a bucket "bench" and credentials of this run only.
access_key="bench-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
secret_key="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
cat >"$tmp/s3proxy.properties" <<EOF
s3proxy.endpoint=http://0.0.0.0:8080
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$access_key
s3proxy.credential=$secret_key
jclouds.provider=filesystem
jclouds.filesystem.basedir=/data
EOF
chmod 644 "$tmp/s3proxy.properties" # read by the container's user; $tmp itself is the host user's only
"$docker" volume create --label "$label" "$s3proxy-data" >/dev/null
# The filesystem backend's buckets are the base directory's folders.
"$docker" run -d --name "$s3proxy" --hostname "$s3proxy" --network "$run" --label "$label" \
  -v "$s3proxy-data:/data" -v "$s3proxy_jar:/s3proxy/s3proxy.jar:ro" \
  -v "$tmp/s3proxy.properties:/s3proxy/s3proxy.properties:ro" --entrypoint sh "$jre_image" \
  -c 'mkdir -p /data/bench && exec java -Xmx256m -jar /s3proxy/s3proxy.jar --properties /s3proxy/s3proxy.properties' \
  >/dev/null

# init waits for the NameNode out of safe mode with 3 live DataNodes, and makes /bench Spark's.
"$docker" run --rm --network "$run" --label "$label" --env "HDFS_NAMENODE_ADDRESS=$namenode:8020" \
  --env HDFS_CHECKPOINT_DIR=/bench -v "$PWD/compose/hdfs-node.sh:/compose/hdfs-node.sh:ro" \
  --entrypoint bash "$hadoop_image" /compose/hdfs-node.sh init
log "HDFS ready after $((SECONDS - started)) s"
s3proxy_endpoint="http://$(ip "$s3proxy"):8080"
until curl -s -o /dev/null "$s3proxy_endpoint/"; do
  ((SECONDS - started < 120)) || { "$docker" logs "$s3proxy" >&2; log "S3Proxy did not answer"; exit 1; }
  sleep 1
done
log "S3Proxy $(basename "$s3proxy_jar" -jar-with-dependencies.jar) ready at $s3proxy_endpoint"

# --- The query, once per store, each in a Spark of its own (both cold), with the same jars.
query() { # round store checkpoint-URI properties-file
  local round="$1" store="$2" checkpoint="$3" properties="$4"
  log "round $round, $store: $BENCH_BATCHES batches, a restart, $BENCH_RESTART_BATCHES more, on $checkpoint" \
    "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
  if ! HADOOP_USER_NAME=spark PYSPARK_PYTHON=python3 "$SPARK_HOME/bin/spark-submit" --master 'local[2]' \
    --driver-memory 768m --properties-file "$properties" --jars "$s3a_jars" \
    script/bench-checkpoint/checkpoint_query.py run "$store" "$checkpoint" "$out/$store-$round.json" \
    >"$out/$store-$round.log" 2>&1; then
    tail -n 60 "$out/$store-$round.log" >&2
    log "$store: the query failed (whole log: $out/$store-$round.log)"
    exit 1
  fi
  grep '^bench-checkpoint:' "$out/$store-$round.log" >&2 || true
  results+=("$out/$store-$round.json")
}
common="spark.ui.enabled=false
spark.sql.shuffle.partitions=2
spark.sql.streaming.numRecentProgressUpdates=1000"
# The host reaches the containers by IP, not by name: the client takes DataNodes' addresses as
# the NameNode saw them (the cluster profile's Spark, on the network, uses their names).
cat >"$tmp/hdfs.conf" <<EOF
$common
spark.hadoop.dfs.client.use.datanode.hostname=false
spark.hadoop.dfs.client.block.write.replace-datanode-on-failure.best-effort=true
EOF
cat >"$tmp/s3a.conf" <<EOF
$common
spark.sql.streaming.checkpointFileManagerClass=org.apache.spark.internal.io.cloud.AbortableStreamBasedCheckpointFileManager
spark.hadoop.fs.s3a.endpoint=$s3proxy_endpoint
spark.hadoop.fs.s3a.endpoint.region=us-east-1
spark.hadoop.fs.s3a.path.style.access=true
spark.hadoop.fs.s3a.connection.ssl.enabled=false
spark.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider
spark.hadoop.fs.s3a.access.key=$access_key
spark.hadoop.fs.s3a.secret.key=$secret_key
EOF
hdfs_root="hdfs://$(ip "$namenode"):8020/bench"
results=()
rm -f "$out"/*.json "$out"/*.log
for ((round = 1; round <= rounds; round++)); do
  stores=(hdfs s3a)
  ((round % 2)) || stores=(s3a hdfs)
  for store in "${stores[@]}"; do
    case "$store" in
      hdfs) query "$round" hdfs "$hdfs_root/checkpoint-$round" "$tmp/hdfs.conf" ;;
      s3a) query "$round" s3a "s3a://bench/checkpoint-$round" "$tmp/s3a.conf" ;;
    esac
  done
done

python3 script/bench-checkpoint/checkpoint_query.py report "${results[@]}"
