#!/usr/bin/env bash
# Start of the redis service (docker-compose.yml, the Celery broker of the cluster profile), the
# same on redis:7.2-bookworm and on its stand-in local/redis:7.0: Redis with the password of the
# secrets volume. The image has no variable for one, and `--requirepass` would show it in `ps` and
# `docker inspect`; so the line `requirepass ...` reaches redis-server as configuration on its
# standard input (`redis-server -`), in no command line, environment or file. Then the image's own
# entrypoint runs it (as the redis user), with the arguments given to this script as more options.
# Environment: REDIS_PASSWORD_FILE (default /run/users-pipeline-secrets/REDIS_PASSWORD; read as root).
set -euo pipefail

file="${REDIS_PASSWORD_FILE:-/run/users-pipeline-secrets/REDIS_PASSWORD}"
[[ -s "$file" ]] || { echo "redis: no password in $file (secrets-init writes it)" >&2; exit 1; }
password="$(<"$file")"
# What secrets-init allows: nothing that Redis' config parser would read otherwise (quotes, spaces).
[[ "$password" =~ ^[A-Za-z0-9_.~-]+$ ]] || { echo "redis: the password in $file may hold only letters, digits and _.~-" >&2; exit 1; }
exec docker-entrypoint.sh redis-server - "$@" <<<"requirepass $password"
