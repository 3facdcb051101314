#!/usr/bin/env bash
# Bootstrap of every Airflow container of docker-compose.yml (the ENTRYPOINT of airflow/Dockerfile,
# under dumb-init):
#   entrypoint.sh init                  wait for the database, migrate it, exit (airflow-init)
#   entrypoint.sh api-server|scheduler|dag-processor|triggerer|celery [options]
#                                       wait for the database, then exec that Airflow component
#                                       (`celery worker`: the cluster profile's workers, whose
#                                       Celery result backend is that database)
#   entrypoint.sh bash|sh|python|/path  run it as it is (debugging)
#   entrypoint.sh <anything else>       exec `airflow <anything else>` (e.g. `dags list`)
# Environment: Airflow's own AIRFLOW__* settings; AIRFLOW_ADMIN_USERNAME (api-server: the UI
# login); USERS_PIPELINE_DB_WAIT_SECONDS (default 120); SECRETS_DIR, where compose's secrets-init
# keeps one file per secret, named after its variable: a variable that is not set is read from there.
set -euo pipefail

log() { echo "entrypoint: $*" >&2; }

# Airflow's own secrets reach it as AIRFLOW__..._CMD settings (docker-compose.yml), which also
# serve `docker compose exec`; these are this project's, read by the DAG, the login below and the
# alerts (Airflow reads a connection from AIRFLOW_CONN_<ID>; an empty file is a channel left off).
secrets_dir="${SECRETS_DIR:-/run/users-pipeline-secrets}"
for name in USERS_PIPELINE_CASSANDRA_PASSWORD USERS_PIPELINE_CASSANDRA_READER_PASSWORD AIRFLOW_ADMIN_PASSWORD AIRFLOW_CONN_SMTP_ALERTS AIRFLOW_CONN_SLACK_ALERTS; do
  if [[ -z "${!name:-}" && -s "$secrets_dir/$name" ]]; then
    export "$name=$(<"$secrets_dir/$name")"
  fi
done

# depends_on already waits for Postgres' healthcheck; waiting here too covers a restart of
# Postgres alone and runs outside compose. The URL is Airflow's own setting (a value, a _CMD or
# airflow.cfg), read the way Airflow reads it; nothing repeated.
wait_for_database() {
  WAIT_SECONDS="${USERS_PIPELINE_DB_WAIT_SECONDS:-120}" python - <<'EOF'
import os, sys, time
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from airflow.configuration import conf

url = conf.get("database", "sql_alchemy_conn")
deadline = time.monotonic() + float(os.environ["WAIT_SECONDS"])
engine = create_engine(url)
while True:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        break
    except Exception as error:  # any driver's "not there yet"
        if time.monotonic() > deadline:
            sys.exit(f"entrypoint: database {make_url(url).render_as_string()} not reachable: {error}")
        time.sleep(2)
EOF
}

# Airflow 3's default auth manager (the simple one) takes its users from
# [core] simple_auth_manager_users and their passwords from a JSON file, and invents a random
# password for any user missing from that file. Writing the file from the environment gives a known
# login without the FAB provider. Only the API server checks logins, so only it runs this.
write_admin_password() {
  [[ -n "${AIRFLOW_ADMIN_PASSWORD:-}" ]] || return 0
  python - <<'EOF'
import json, os

home = os.environ.get("AIRFLOW_HOME", os.path.expanduser("~/airflow"))
path = os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE") or os.path.join(
    home, "simple_auth_manager_passwords.json.generated")
user = os.environ.get("AIRFLOW_ADMIN_USERNAME", "admin")
configured = [u.split(":")[0] for u in os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "").split(",")]
if user not in configured:
    raise SystemExit(f"entrypoint: AIRFLOW_ADMIN_USERNAME={user} is not in AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS")
temporary = f"{path}.tmp"
with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
    json.dump({user: os.environ["AIRFLOW_ADMIN_PASSWORD"]}, file)
os.replace(temporary, path)
EOF
  log "UI login: ${AIRFLOW_ADMIN_USERNAME:-admin}, password: AIRFLOW_ADMIN_PASSWORD of .env, or the generated one" \
    "(docker compose exec airflow-apiserver cat $secrets_dir/AIRFLOW_ADMIN_PASSWORD)"
}

command="${1:---help}"
case "$command" in
  init)
    wait_for_database
    # Creates or upgrades the schema; a no-op when it is current, so every `up` may run it.
    log "migrating the database"
    airflow db migrate
    log "database ready"
    ;;
  api-server | scheduler | dag-processor | triggerer | celery)
    wait_for_database
    [[ "$command" != api-server ]] || write_admin_password
    exec airflow "$@"
    ;;
  bash | sh | python | python3 | /*)
    exec "$@"
    ;;
  *)
    exec airflow "$@"
    ;;
esac
