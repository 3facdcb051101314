#!/usr/bin/env bash
# Before script/compose-e2e.sh starts its stack: a stack of PROJECT that exists already is removed
# if the randomuser stand-in STAND_IN is beside it, since only the test starts that container: the
# stack is what a killed test run left (a CI job stopped at its time limit, a machine reset).
# Any other stack is someone's own: refused with exit 1, and kept.
# Usage: script/stack-leftovers.sh DOCKER PROJECT STAND_IN
set -euo pipefail
docker="$1" project="$2" stand_in="$3"
label="label=com.docker.compose.project=$project"

list() {
  mapfile -t networks < <("$docker" network ls -q --filter "$label")
  mapfile -t volumes < <("$docker" volume ls -q --filter "$label")
  # The DAG's task containers carry no compose label, but hold the stack's network while they run.
  mapfile -t containers < <({
    "$docker" ps -aq --filter "$label"
    for network in "${networks[@]}"; do "$docker" ps -aq --filter "network=$network"; done
  } | sort -u)
}
list
((${#containers[@]} + ${#networks[@]} + ${#volumes[@]})) || exit 0

if ! "$docker" container inspect "$stand_in" >/dev/null 2>&1; then
  echo "stack-leftovers: a $project stack (containers or volumes) exists already and is not a test's:" \
    "remove it first (docker compose down -v)" >&2
  exit 1
fi
"$docker" rm -f "$stand_in" >/dev/null
list
# Containers first (with their anonymous volumes, as `down -v`): a network or volume in use cannot go.
((${#containers[@]} == 0)) || "$docker" rm -f -v "${containers[@]}" >/dev/null
((${#networks[@]} == 0)) || "$docker" network rm "${networks[@]}" >/dev/null
((${#volumes[@]} == 0)) || "$docker" volume rm "${volumes[@]}" >/dev/null
echo "stack-leftovers: removed the $project stack that a killed test run left" \
  "(${#containers[@]} containers, ${#networks[@]} networks, ${#volumes[@]} volumes, and the stand-in)" >&2
