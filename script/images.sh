#!/usr/bin/env bash
# Builds the task images from the jars built on the host (`mvn install` first), on the local
# base images of script/base-images.sh: what the end-to-end tests run, without any registry.
# Users get the same images from `docker compose build` (official base images, jars built by Maven
# inside the build). Usage: script/images.sh [tag]   (default tag: latest)
set -euo pipefail
cd "$(dirname "$0")/.."

tag="${1:-latest}"
docker="$(script/docker-engine.sh)"
script/base-images.sh

for task in fetch-users submit-spark verify-cassandra erase-user; do
  [[ -f "tasks/$task/target/$task.jar" ]] || { echo "images: tasks/$task/target/$task.jar is missing: run mvn install first" >&2; exit 1; }
  # submit-spark has an image of its own (on Spark's); the others share tasks/Dockerfile.
  dockerfile="tasks/$task/Dockerfile"
  [[ -f "$dockerfile" ]] || dockerfile=tasks/Dockerfile
  echo "images: users-pipeline/$task:$tag" >&2
  DOCKER_BUILDKIT=1 "$docker" build --quiet --force-rm -f "$dockerfile" -t "users-pipeline/$task:$tag" \
    --build-arg TASK="$task" --build-arg JAR_SOURCE=host-build \
    --build-arg BASE_IMAGE=local/jre:17 --build-arg SPARK_IMAGE=local/spark:3.5.7 . >/dev/null
done
