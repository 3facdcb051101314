#!/usr/bin/env bash
# Entrypoint of the cassandra service (docker-compose.yml): turns on password authentication and
# role-based authorization, then hands over to the official image's own entrypoint. The image has
# variables for addresses, cluster name and snitch but none for these two settings, so they are
# rewritten in its cassandra.yaml at every start (the result is the same each time).
set -euo pipefail

conf="${CASSANDRA_CONF:-/etc/cassandra}/cassandra.yaml"
rewritten="$(mktemp)"
# Cassandra 5.0 writes these settings either as `authenticator: AllowAllAuthenticator` or as a block
# (`authenticator:` then indented `class_name: ...`, `parameters: ...`): replace the key and the
# indented lines that belong to it with the short form, which 5.0 accepts.
awk '
  /^authenticator:/ { print "authenticator: PasswordAuthenticator"; in_block = 1; next }
  /^authorizer:/    { print "authorizer: CassandraAuthorizer";      in_block = 1; next }
  in_block && /^[ \t]/ { next }
  { in_block = 0; print }
' "$conf" >"$rewritten"
# Written in place (not moved), as the image's entrypoint does: the file may be a bind mount.
cat "$rewritten" >"$conf"
rm -f "$rewritten"
grep -E '^(authenticator|authorizer):' "$conf" >&2

exec docker-entrypoint.sh "$@"
