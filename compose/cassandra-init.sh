#!/usr/bin/env bash
# cassandra-init (docker-compose.yml): creates the pipeline's keyspace (schema/keyspace.cql) and
# its three login roles, so that nothing but this script uses the superuser, then exits:
#   the migrator (migrate-schema): creates and alters the keyspace's tables, the one role that may;
#   the pipeline's role (the job, fetch-users' peers, erase-user): reads and writes rows only;
#   the reader (verify-cassandra): reads only.
# The tables are migrate-schema's (schema/migrations.cql), which runs next. Every statement is
# idempotent, so it runs at every `docker compose up`, and a password changed in .env takes effect there.
# Runs in the cassandra image (cqlsh).
#
# The superuser `cassandra` starts with the image's well-known password: the first run changes it
# to CASSANDRA_SUPERUSER_PASSWORD, so the default never stays valid.
#
# Environment: CASSANDRA_HOST, CASSANDRA_NATIVE_PORT, CASSANDRA_REPLICATION (docker-compose.yml's map),
# USERS_PIPELINE_CASSANDRA_USERNAME, USERS_PIPELINE_CASSANDRA_READER_USERNAME,
# USERS_PIPELINE_CASSANDRA_MIGRATOR_USERNAME, KEYSPACE_FILE, CASSANDRA_INIT_TIMEOUT_SECONDS; SECRETS_DIR,
# where secrets-init wrote CASSANDRA_SUPERUSER_PASSWORD and each role's password (the role's
# variable with PASSWORD for USERNAME).
set -euo pipefail

host="${CASSANDRA_HOST:-cassandra}"
port="${CASSANDRA_NATIVE_PORT:-9042}"
secrets="${SECRETS_DIR:-/run/users-pipeline-secrets}"
superuser_password="$(<"$secrets/CASSANDRA_SUPERUSER_PASSWORD")"
replication="${CASSANDRA_REPLICATION:?CASSANDRA_REPLICATION is not set}"
deadline=$((SECONDS + ${CASSANDRA_INIT_TIMEOUT_SECONDS:-300}))

# A map of quoted names and numbers: nothing that could end the statement it goes into.
replication_map="^[{][A-Za-z0-9_.:, '-]+[}]$"
[[ "$replication" =~ $replication_map ]] || { echo "cassandra-init: CASSANDRA_REPLICATION is not a CQL replication map: $replication" >&2; exit 1; }

# A CQL string literal: single quotes doubled.
cql_string() { printf "'%s'" "${1//\'/\'\'}"; }
login() { # login USER PASSWORD: succeeds once that login works
  cqlsh "$host" "$port" -u "$1" -p "$2" -e 'SELECT release_version FROM system.local' >/dev/null 2>&1
}
cql() { cqlsh "$host" "$port" -u cassandra -p "$superuser_password" --request-timeout=60 "$@"; }

# The node serves CQL before PasswordAuthenticator has created the default superuser: wait for
# either login to work.
default_password=cassandra
until login cassandra "$superuser_password" || login cassandra "$default_password"; do
  ((SECONDS < deadline)) || {
    echo "cassandra-init: no CQL login as cassandra at $host:$port, with CASSANDRA_SUPERUSER_PASSWORD nor the default" >&2
    exit 1
  }
  echo "cassandra-init: waiting for $host:$port" >&2
  sleep 5
done

# Logins must survive a node down like the data: the roles and their rights (system_auth, one
# replica by default) get the keyspace's replication before any auth row is written, so that the
# superuser's new password and the pipeline's role reach every replica. Written before it, the new
# password sits on the one node that owned the row then, beside the default one on the nodes that
# had it before they were streamed away; a quorum read of two of those refuses the new password
# (CI's cluster profile failed so, 1 start in 2 here).
alter_auth_replication="ALTER KEYSPACE system_auth WITH replication = $replication;"
# Right after that change, the superuser's row is still only where the first node wrote it, and a
# quorum read of two replicas without it finds no role at all ("Role cassandra doesn't exist", 1
# first start in 7 here). A read at ALL compares every replica and repairs the ones that lack it.
repair_superuser_row="CONSISTENCY ALL; SELECT role FROM system_auth.roles WHERE role = 'cassandra'; CONSISTENCY ONE;"
if login cassandra "$superuser_password"; then
  cql -e "$alter_auth_replication"
else
  # One session, logged in before the replication changes: the login reads the row where it is.
  # Retried as a whole (each statement is idempotent) while a node still joins or a read times out.
  until cqlsh "$host" "$port" -u cassandra -p "$default_password" --request-timeout=60 -e "$alter_auth_replication
      $repair_superuser_row
      ALTER ROLE cassandra WITH PASSWORD = $(cql_string "$superuser_password");"; do
    ((SECONDS < deadline)) || { echo "cassandra-init: could not replace the default password of the superuser cassandra" >&2; exit 1; }
    echo "cassandra-init: replacing the default superuser password failed; trying again in 5 s" >&2
    sleep 5
  done
  echo "cassandra-init: replaced the default password of the superuser cassandra" >&2
  # Logins are cached for 2 s: the new password takes a moment to work.
  until login cassandra "$superuser_password"; do
    ((SECONDS < deadline)) || { echo "cassandra-init: the new superuser password does not work" >&2; exit 1; }
    sleep 2
  done
fi

keyspace_cql="$(<"${KEYSPACE_FILE:-/schema/keyspace.cql}")"
# The keyspace to grant rights on, as the schema file creates it: the file is its one definition here.
keyspace_statement='CREATE KEYSPACE IF NOT EXISTS ([A-Za-z_][A-Za-z0-9_]*)'
[[ "$keyspace_cql" =~ $keyspace_statement ]] || { echo "cassandra-init: no CREATE KEYSPACE IF NOT EXISTS in the keyspace file" >&2; exit 1; }
keyspace="${BASH_REMATCH[1]}"
# shellcheck disable=SC2016 # the placeholder is the literal text ${replication}
cql -e "${keyspace_cql//'${replication}'/"$replication"}"

# login_role VARIABLE: creates the role that $VARIABLE names (…_USERNAME), with the password of
# …_PASSWORD's secret file, and makes sure that password works.
login_role() {
  local role="${!1:?$1 is not set}" password quoted
  password="$(<"$secrets/${1%USERNAME}PASSWORD")"
  [[ "$role" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "cassandra-init: role name '$role' ($1) must be letters, digits and _" >&2; exit 1; }
  quoted="$(cql_string "$password")"
  cql -e "CREATE ROLE IF NOT EXISTS \"$role\" WITH PASSWORD = $quoted AND LOGIN = true;"
  # A role created by an earlier start keeps its password: set the one of .env when it differs (only
  # then: Cassandra refuses a second password change within 5 s).
  login "$role" "$password" || cql -e "ALTER ROLE \"$role\" WITH PASSWORD = $quoted;"
  # Proof that the login works (a changed password may take the 2 s credentials cache to show).
  until login "$role" "$password"; do
    ((SECONDS < deadline)) || { echo "cassandra-init: role $role cannot log in" >&2; exit 1; }
    sleep 2
  done
  printf '"%s"' "$role"
}
migrator="$(login_role USERS_PIPELINE_CASSANDRA_MIGRATOR_USERNAME)"
pipeline="$(login_role USERS_PIPELINE_CASSANDRA_USERNAME)"
reader="$(login_role USERS_PIPELINE_CASSANDRA_READER_USERNAME)"
# Least privilege: only the migrator creates and alters tables, and only in this keyspace (it
# records each migration, so it reads and writes too). The pipeline's role reads and writes rows
# (Cassandra's MODIFY covers INSERT, DELETE and TRUNCATE alike); its CREATE on all keyspaces, which
# stacks before migrate-schema gave it, is taken back. The reader only reads.
cql -e "
  GRANT CREATE ON KEYSPACE $keyspace TO $migrator;
  GRANT ALTER ON KEYSPACE $keyspace TO $migrator;
  GRANT SELECT ON KEYSPACE $keyspace TO $migrator;
  GRANT MODIFY ON KEYSPACE $keyspace TO $migrator;
  REVOKE CREATE ON ALL KEYSPACES FROM $pipeline;
  GRANT SELECT ON KEYSPACE $keyspace TO $pipeline;
  GRANT MODIFY ON KEYSPACE $keyspace TO $pipeline;
  GRANT SELECT ON KEYSPACE $keyspace TO $reader;"
echo "cassandra-init: keyspace $keyspace ready; roles $migrator (schema), $pipeline (rows) and $reader (reads) log in" >&2
