#!/usr/bin/env bash
# Entrypoint of the HDFS services of the cluster profile (docker-compose.yml), which keep the Spark
# job's checkpoint where a driver and executors on different hosts all reach it. It writes
# core-site.xml and hdfs-site.xml from the variables below, then, by its argument:
#   namenode  formats the NameNode's volume on its first start only (with a fixed cluster id), then
#             runs the NameNode
#   datanode  runs a DataNode, known to clients and to the other DataNodes by its host name
#   init      one shot: waits until the NameNode is out of safe mode with enough live DataNodes,
#             then creates the checkpoint directory for its user only; the same on every start
# It does explicitly what apache/hadoop's own starter does from its variables, so the services run
# the same on apache/hadoop and on the stand-in of offline/hadoop. The nodes run as the image's user
# (hadoop), which thereby is HDFS's superuser; init runs as it too, to set the directory's owner.
#
# Environment (default in brackets):
#   HDFS_NAMENODE_ADDRESS   the NameNode's RPC address, host:port [hdfs-namenode:8020]
#   HDFS_CLUSTER_ID         the cluster id of the format [users-pipeline]; fixed, so that DataNode
#                           volumes stay usable when the NameNode's volume is made anew
#   HDFS_DATA_DIR           the node's volume, name/ or data/ inside [/data]
#   HDFS_REPLICATION        copies of each block [3]
#   HDFS_DATANODE_HOSTNAME  the name a DataNode registers with [the container's host name]
#   HDFS_HEAP               the JVM's maximum heap [256m]
#   HDFS_CHECKPOINT_DIR     (init) the directory to create [/users-pipeline]
#   HDFS_CHECKPOINT_OWNER   (init) its owner, user:group [spark:spark]: the Spark images' user
#   HDFS_CHECKPOINT_MODE    (init) its permissions [750]
#   HDFS_MIN_DATANODES      (init) live DataNodes to wait for [HDFS_REPLICATION]
#   HDFS_INIT_TIMEOUT       (init) seconds to wait for them [180]
#   HADOOP_CONF_DIR         where the files go [/opt/hadoop/etc/hadoop, as in both images], so that
#                           `hdfs ...` run by hand in the container finds them too
set -euo pipefail

usage="Usage: hdfs-node.sh namenode|datanode|init"
(($# == 1)) || { echo "$usage" >&2; exit 1; }
role="$1"
case "$role" in
  namenode | datanode | init) ;;
  *) echo "hdfs-node: unknown role '$role'. $usage" >&2; exit 1 ;;
esac

namenode_address="${HDFS_NAMENODE_ADDRESS:-hdfs-namenode:8020}"
cluster_id="${HDFS_CLUSTER_ID:-users-pipeline}"
data_dir="${HDFS_DATA_DIR:-/data}"
replication="${HDFS_REPLICATION:-3}"
conf_dir="${HADOOP_CONF_DIR:-/opt/hadoop/etc/hadoop}"
export HADOOP_CONF_DIR="$conf_dir"
export HADOOP_HEAPSIZE_MAX="${HDFS_HEAP:-256m}"

# Writes one Hadoop configuration file from name=value arguments.
write_configuration() {
  local file="$1" setting value
  shift
  {
    echo '<?xml version="1.0"?>'
    echo "<!-- Written by compose/hdfs-node.sh at every start: change its variables, not this file. -->"
    echo '<configuration>'
    for setting in "$@"; do
      value="${setting#*=}"
      value="${value//&/&amp;}"
      value="${value//</&lt;}"
      printf '  <property><name>%s</name><value>%s</value></property>\n' "${setting%%=*}" "$value"
    done
    echo '</configuration>'
  } >"$conf_dir/$file"
}

write_configuration core-site.xml "fs.defaultFS=hdfs://$namenode_address"
write_configuration hdfs-site.xml \
  "dfs.namenode.name.dir=file://$data_dir/name" \
  "dfs.datanode.data.dir=file://$data_dir/data" \
  "dfs.replication=$replication" \
  "dfs.namenode.replication.min=1" \
  "dfs.permissions.enabled=true" \
  "dfs.namenode.rpc-bind-host=0.0.0.0" \
  "dfs.namenode.http-address=0.0.0.0:9870" \
  "dfs.datanode.hostname=${HDFS_DATANODE_HOSTNAME:-$HOSTNAME}" \
  "dfs.datanode.use.datanode.hostname=true" \
  "dfs.client.use.datanode.hostname=true" \
  "dfs.namenode.datanode.registration.ip-hostname-check=false" \
  "dfs.client.block.write.replace-datanode-on-failure.best-effort=true" \
  "dfs.namenode.heartbeat.recheck-interval=10000" \
  "dfs.namenode.safemode.extension=5000"
# Why these, beyond the volume and the replication:
# - host names, not container IPs: a client on another host (a Spark executor) reaches a DataNode
#   by its name, and a container's IP changes when it is recreated;
# - best-effort: on 3 DataNodes with 3 replicas there is no spare node to put into a write pipeline
#   that lost one, so the write goes on with the two left instead of failing (clients need it too);
# - a DataNode is declared dead after 2 x recheck + 10 heartbeats of 3 s: 50 s instead of 10.5 min;
# - safe mode ends 5 s, not 30 s, after the blocks are reported: with 3 DataNodes all report at once.

case "$role" in
  namenode)
    # Formatted once: a volume with a VERSION file is a namespace to keep, whatever happens.
    if [[ ! -f "$data_dir/name/current/VERSION" ]]; then
      echo "hdfs-node: formatting $data_dir/name (cluster id $cluster_id)" >&2
      hdfs namenode -format -nonInteractive -clusterid "$cluster_id" >&2
    fi
    exec hdfs namenode
    ;;
  datanode)
    exec hdfs datanode
    ;;
  init)
    checkpoint_dir="${HDFS_CHECKPOINT_DIR:-/users-pipeline}"
    owner="${HDFS_CHECKPOINT_OWNER:-spark:spark}"
    mode="${HDFS_CHECKPOINT_MODE:-750}"
    min_datanodes="${HDFS_MIN_DATANODES:-$replication}"
    timeout="${HDFS_INIT_TIMEOUT:-180}"
    deadline=$((SECONDS + timeout))
    # -safemode wait gives up at once while the NameNode does not answer yet: ask until both hold.
    until [[ "$(hdfs dfsadmin -safemode get 2>/dev/null)" == *"Safe mode is OFF"* ]] &&
      live="$(hdfs dfsadmin -report -live 2>/dev/null | sed -n 's/^Live datanodes (\([0-9]*\)):$/\1/p')" &&
      ((${live:-0} >= min_datanodes)); do
      if ((SECONDS >= deadline)); then
        echo "hdfs-node: NameNode $namenode_address not out of safe mode with $min_datanodes live DataNodes after ${timeout}s" >&2
        exit 1
      fi
      sleep 2
    done
    hdfs dfs -mkdir -p "$checkpoint_dir"
    hdfs dfs -chown "$owner" "$checkpoint_dir"
    hdfs dfs -chmod "$mode" "$checkpoint_dir"
    echo "hdfs-node: $checkpoint_dir ready for ${owner%%:*} (mode $mode) on $live live DataNodes" >&2
    ;;
esac
