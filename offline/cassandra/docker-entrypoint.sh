#!/usr/bin/env bash
# Entrypoint of the stand-in for the cassandra image (offline/cassandra). For `cassandra ...` (the
# default command, also when the arguments are only options such as -f) it prepares a single node
# from CASSANDRA_* variables, as the official image does, and runs it as the cassandra user (uid
# 999); any other command runs as given.
#
# Environment (all optional): CASSANDRA_LISTEN_ADDRESS (default: this container's IP address),
# CASSANDRA_BROADCAST_ADDRESS (default: the listen address), CASSANDRA_RPC_ADDRESS (0.0.0.0),
# CASSANDRA_BROADCAST_RPC_ADDRESS (the broadcast address), CASSANDRA_SEEDS (the broadcast address),
# CASSANDRA_CLUSTER_NAME, CASSANDRA_NUM_TOKENS, CASSANDRA_ENDPOINT_SNITCH; CASSANDRA_DC and
# CASSANDRA_RACK (cassandra-rackdc.properties, read by GossipingPropertyFileSnitch).
# shellcheck disable=SC2016 # the awk programs of rewrite() are in single quotes on purpose
set -euo pipefail

if (($# == 0)) || [[ "$1" == -* ]]; then
  set -- cassandra -f "$@"
fi
if [[ "$1" != cassandra ]]; then
  exec "$@"
fi

conf="${CASSANDRA_CONF:-/etc/cassandra}"
# Started as root (the default): hand the configuration and the data (a new volume belongs to
# root) to cassandra, then start again as cassandra. Started with --user: go on as that user.
if [[ "$(id -u)" == 0 ]]; then
  find "$conf" /var/lib/cassandra /var/log/cassandra ! -user cassandra -exec chown cassandra '{}' +
  exec gosu cassandra "$0" "$@"
fi

# The first global IPv4 address: the container's address on its first network.
ip_address() { ip -o -4 address show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }'; }

listen="${CASSANDRA_LISTEN_ADDRESS:-auto}"
[[ "$listen" == auto ]] && listen="$(ip_address)"
broadcast="${CASSANDRA_BROADCAST_ADDRESS:-$listen}"
[[ "$broadcast" == auto ]] && broadcast="$(ip_address)"

# rewrite FILE KEY VALUE PROGRAM: runs the awk PROGRAM (which reads ENVIRON["key"] and
# ENVIRON["value"]) over FILE, written back in place, not replaced: it may be a bind mount.
rewrite() {
  local file="$1" rewritten
  rewritten="$(mktemp)"
  key="$2" value="$3" awk "$4" "$file" >"$rewritten"
  cat "$rewritten" >"$file"
  rm -f "$rewritten"
}
# Sets `key: value` in cassandra.yaml, also where the key is commented out ("# key: ...").
set_yaml() {
  rewrite "$conf/cassandra.yaml" "$1" "$2" '
    $0 ~ "^(# )?" ENVIRON["key"] ":" { print ENVIRON["key"] ": " ENVIRON["value"]; next }
    { print }'
}
set_seeds() {
  rewrite "$conf/cassandra.yaml" seeds "$1" '
    /^ *- seeds:/ { sub(/- seeds:.*/, "- seeds: \"" ENVIRON["value"] "\""); print; next }
    { print }'
}
# Sets `key=value` in cassandra-rackdc.properties.
set_property() {
  rewrite "$conf/cassandra-rackdc.properties" "$1" "$2" '
    $0 ~ "^" ENVIRON["key"] "=" { print ENVIRON["key"] "=" ENVIRON["value"]; next }
    { print }'
}

set_seeds "${CASSANDRA_SEEDS:-$broadcast}"
set_yaml listen_address "$listen"
set_yaml broadcast_address "$broadcast"
set_yaml rpc_address "${CASSANDRA_RPC_ADDRESS:-0.0.0.0}"
set_yaml broadcast_rpc_address "${CASSANDRA_BROADCAST_RPC_ADDRESS:-$broadcast}"
for key in cluster_name num_tokens endpoint_snitch; do
  variable="CASSANDRA_${key^^}"
  [[ -n "${!variable:-}" ]] && set_yaml "$key" "${!variable}"
done
for key in dc rack; do
  variable="CASSANDRA_${key^^}"
  [[ -n "${!variable:-}" ]] && set_property "$key" "${!variable}"
done

exec "$@"
