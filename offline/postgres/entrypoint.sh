#!/usr/bin/env bash
# Entrypoint of the PostgreSQL stand-in (offline/postgres/Dockerfile). `postgres [options]` (the
# default; options alone imply it): on the first start, when PGDATA holds no database yet, creates
# one with initdb: superuser POSTGRES_USER (default postgres) with the password POSTGRES_PASSWORD,
# or the contents of the file POSTGRES_PASSWORD_FILE (one of them is required), and the database
# POSTGRES_DB (default POSTGRES_USER), then runs /docker-entrypoint-initdb.d's *.sh and *.sql, all
# through a temporary server that listens on the default socket only, as upstream's does; clients on
# the network log in with scram-sha-256, local socket connections inside the container are trusted.
# Every start then runs the server as the postgres user. Any other command runs as it is.
# Differences from the official entrypoint: init scripts are *.sh and *.sql only (no compressed
# ones), no POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR or POSTGRES_HOST_AUTH_METHOD, and TCP
# connections from inside the container need the password too (upstream trusts them).
set -euo pipefail

log() { echo "postgres-entrypoint: $*" >&2; }

if [[ "${1:-}" == -* ]]; then set -- postgres "$@"; fi
[[ "${1:-}" == postgres ]] || exec "$@"
# Options that only print something need no database (and no password).
for option in "$@"; do
  case "$option" in -'?' | --help | -V | --version | --describe-config | -C) exec "$@" ;; esac
done

# Read as root, before dropping privileges: a secret file may be readable by root only.
if [[ -n "${POSTGRES_PASSWORD_FILE:-}" ]]; then
  [[ -z "${POSTGRES_PASSWORD:-}" ]] \
    || { log "set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE, not both"; exit 1; }
  POSTGRES_PASSWORD="$(<"$POSTGRES_PASSWORD_FILE")"
  export POSTGRES_PASSWORD
  unset POSTGRES_PASSWORD_FILE
fi

if [[ "$(id -u)" == 0 ]]; then
  # A new bind mount or volume may belong to root; the server insists on its own 0700 directory.
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  user="${POSTGRES_USER:-postgres}"
  database="${POSTGRES_DB:-$user}"
  [[ -n "${POSTGRES_PASSWORD:-}" ]] \
    || { log "the database is not initialised and POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) is empty"; exit 1; }
  log "initialising $PGDATA: superuser $user, database $database"
  initdb --pgdata="$PGDATA" --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # As upstream: a temporary server on no TCP address, only on the default socket, creates the
  # database and runs the init scripts. A socket-based pg_isready already finds it ready, so only a
  # check over TCP (docker-compose.yml's healthcheck) waits for the real server.
  pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses='' -p ${PGPORT:-5432}" --wait --silent start
  psql_temp=(psql --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --username="$user")
  if [[ "$database" != postgres ]]; then
    "${psql_temp[@]}" --dbname=postgres --set=database="$database" <<<'CREATE DATABASE :"database";'
  fi
  # A *.sh is sourced unless executable, as upstream does: it may set variables for the next.
  for init in /docker-entrypoint-initdb.d/*; do
    # shellcheck disable=SC1090
    case "$init" in
      *.sh) log "running $init"; if [[ -x "$init" ]]; then "$init"; else . "$init"; fi ;;
      *.sql) log "running $init"; "${psql_temp[@]}" --dbname="$database" --file="$init" ;;
      *) [[ ! -e "$init" ]] || log "ignoring $init" ;;
    esac
  done
  pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
  log "initialised"
fi

unset POSTGRES_PASSWORD
exec "$@"
