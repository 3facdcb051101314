#!/usr/bin/env bash
# secrets-init (docker-compose.yml): every secret of the stack, one file each in the `secrets`
# volume, named after the variable that carries it. The value set in .env (or the shell) wins;
# without one, the file of an earlier start is kept; without that, a random value is generated.
# So a stack started without .env never runs with a known key or password, and keeps its keys
# across restarts (a new Fernet key would make stored connections unreadable).
#
# Each file is readable only by the one user that needs it: Airflow (uid 50000), Postgres
# (uid 999), the task images (uid 10001: migrate-schema); root (cassandra-init, compose/redis.sh)
# reads them all.
#
# Environment: the secrets' variables (see .env.example), POSTGRES_USER, POSTGRES_DB, SECRETS_DIR.
set -euo pipefail

dir="${SECRETS_DIR:-/run/users-pipeline-secrets}"
airflow_uid=50000
postgres_uid=999
task_uid=10001

# Letters and digits only: each value is safe in a URL, in CQL and in JSON without quoting.
# 40 letters and digits of 48 random bytes (cut in bash: a `head -c` closing the pipe early would
# kill tr with SIGPIPE, and pipefail would fail the script).
random_token() {
  local token
  token="$(head -c 48 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')"
  printf '%s' "${token:0:40}"
}
# A Fernet key is the URL-safe base64 of 32 random bytes.
random_fernet_key() { head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_'; }
# The alerts' mail server until .env names another: the stack's Mailpit, which needs no password
# (an Airflow connection as JSON: the URI form would turn the booleans into strings).
mailpit_connection() {
  printf '%s' '{"conn_type": "smtp", "host": "mailpit", "port": 1025, "extra": {"disable_ssl": true, "disable_tls": true, "from_email": "airflow@users-pipeline.local"}}'
}
# A channel that .env does not give stays off: an empty file.
no_connection() { :; }

# secret FILE OWNER GIVEN GENERATOR: writes FILE from GIVEN, or keeps it, or generates it.
secret() {
  local file="$dir/$1" owner="$2" given="$3" generator="$4" value
  if [[ -n "$given" ]]; then
    value="$given"
  elif [[ -s "$file" ]]; then
    value="$(<"$file")"
  else
    value="$("$generator")"
    [[ -z "$value" ]] || echo "secrets-init: generated $1" >&2
  fi
  # Written beside, then renamed: a reader never sees half a value.
  printf '%s' "$value" >"$file.tmp"
  chown "$owner:0" "$file.tmp"
  chmod 0400 "$file.tmp"
  mv "$file.tmp" "$file"
}

postgres_user="${POSTGRES_USER:-airflow}"
postgres_db="${POSTGRES_DB:-airflow}"
for name in "$postgres_user" "$postgres_db"; do
  [[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || { echo "secrets-init: POSTGRES_USER and POSTGRES_DB must be letters, digits and _" >&2; exit 1; }
done
for name in POSTGRES_PASSWORD REDIS_PASSWORD; do
  if [[ -n "${!name:-}" && ! "${!name}" =~ ^[A-Za-z0-9_.~-]+$ ]]; then
    echo "secrets-init: $name may hold only letters, digits and _.~- (it goes into a URL)" >&2
    exit 1
  fi
done

mkdir -p "$dir"
chmod 0755 "$dir"
secret AIRFLOW__CORE__FERNET_KEY "$airflow_uid" "${AIRFLOW_FERNET_KEY:-}" random_fernet_key
secret AIRFLOW__API_AUTH__JWT_SECRET "$airflow_uid" "${AIRFLOW_JWT_SECRET:-}" random_token
secret AIRFLOW__API__SECRET_KEY "$airflow_uid" "${AIRFLOW_API_SECRET_KEY:-}" random_token
secret AIRFLOW_ADMIN_PASSWORD "$airflow_uid" "${AIRFLOW_ADMIN_PASSWORD:-}" random_token
secret POSTGRES_PASSWORD "$postgres_uid" "${POSTGRES_PASSWORD:-}" random_token
# Airflow's database URL carries the Postgres password, so it is a secret of its own.
secret AIRFLOW__DATABASE__SQL_ALCHEMY_CONN "$airflow_uid" \
  "postgresql+psycopg2://$postgres_user:$(<"$dir/POSTGRES_PASSWORD")@postgres:5432/$postgres_db" false
secret CASSANDRA_SUPERUSER_PASSWORD 0 "${CASSANDRA_SUPERUSER_PASSWORD:-}" random_token
# Cassandra's three login roles (compose/cassandra-init.sh): Airflow hands the pipeline's and the
# reader's to the task containers; migrate-schema reads the migrator's itself.
secret USERS_PIPELINE_CASSANDRA_PASSWORD "$airflow_uid" "${USERS_PIPELINE_CASSANDRA_PASSWORD:-}" random_token
secret USERS_PIPELINE_CASSANDRA_READER_PASSWORD "$airflow_uid" "${USERS_PIPELINE_CASSANDRA_READER_PASSWORD:-}" random_token
secret USERS_PIPELINE_CASSANDRA_MIGRATOR_PASSWORD "$task_uid" "${USERS_PIPELINE_CASSANDRA_MIGRATOR_PASSWORD:-}" random_token
# Redis, the Celery broker of the cluster profile: compose/redis.sh reads it as root. Celery's
# broker and result backend URLs carry passwords, so each is a secret of its own, as Airflow's
# database URL is.
secret REDIS_PASSWORD 0 "${REDIS_PASSWORD:-}" random_token
secret AIRFLOW__CELERY__BROKER_URL "$airflow_uid" "redis://:$(<"$dir/REDIS_PASSWORD")@redis:6379/0" false
secret AIRFLOW__CELERY__RESULT_BACKEND "$airflow_uid" "db+$(<"$dir/AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")" false
# The alerts' Airflow connections (plugins/users_pipeline_alerts.py): they hold an SMTP password or a
# Slack webhook URL, so they are secrets too; airflow/entrypoint.sh exports them to Airflow.
secret AIRFLOW_CONN_SMTP_ALERTS "$airflow_uid" "${AIRFLOW_CONN_SMTP_ALERTS:-}" mailpit_connection
secret AIRFLOW_CONN_SLACK_ALERTS "$airflow_uid" "${AIRFLOW_CONN_SLACK_ALERTS:-}" no_connection
echo "secrets-init: secrets ready in $dir" >&2
