#!/usr/bin/env bash
# Entrypoint of the Redis stand-in (offline/redis/Dockerfile), upstream's contract: options (-x,
# --x) or a *.conf as the first argument mean `redis-server` with them; `redis-server ...` started
# as root gives /data's files to the redis user and runs as that user; with the umask 0022 (Docker's
# default) files are created 0077, as upstream does; any other command runs as it is.
set -euo pipefail

if [[ "${1:-}" == -* || "${1:-}" == *.conf ]]; then set -- redis-server "$@"; fi

if [[ "${1:-}" == redis-server && "$(id -u)" == 0 ]]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [[ "$(umask)" == 0022 ]]; then umask 0077; fi
exec "$@"
