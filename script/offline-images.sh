#!/usr/bin/env bash
# Builds a local stand-in for every upstream image docker-compose.yml uses, from package registries
# only (Debian, PyPI, Maven Central: no container registry), and writes compose/offline.env, which
# points compose's image variables at them:
#   docker compose --env-file compose/offline.env up -d --build
# The stand-ins run the same server software as the official images, with their layout (see
# offline/*/Dockerfile and README.md, "Behind a firewall"). The task images take the jars built on
# this machine (TASK_JAR_SOURCE=host-build), so no Maven image is needed either.
# An image that exists already is kept. Usage: script/offline-images.sh
set -euo pipefail
cd "$(dirname "$0")/.."

docker="$(script/docker-engine.sh)"
script/base-images.sh
for image in postgres airflow kafka cassandra docker-proxy hadoop redis mailpit; do
  DOCKER="$docker" "offline/$image/build.sh"
done

jars=(tasks/fetch-users/target/fetch-users.jar tasks/verify-cassandra/target/verify-cassandra.jar
  tasks/erase-user/target/erase-user.jar tasks/migrate-schema/target/migrate-schema.jar tasks/submit-spark/target/submit-spark.jar tasks/submit-spark/target/stream-users.jar)
for jar in "${jars[@]}"; do
  if [[ ! -f "$jar" ]]; then
    echo "offline-images: building the task jars (mvn package)" >&2
    mvn -q -B package -DskipTests -pl tasks/fetch-users,tasks/verify-cassandra,tasks/erase-user,tasks/migrate-schema,tasks/submit-spark -am >&2
    break
  fi
done

cat >compose/offline.env <<ENV
# Written by script/offline-images.sh: docker-compose.yml's images, built on this machine from
# package registries. Use: docker compose --env-file compose/offline.env up -d --build
# (with a .env of your own: --env-file .env --env-file compose/offline.env).
AIRFLOW_BASE_IMAGE=local/airflow:3.3.2-python3.11
POSTGRES_IMAGE=local/postgres:15
KAFKA_IMAGE=local/kafka:3.9.2
SPARK_IMAGE=local/spark:3.5.7
CASSANDRA_IMAGE=local/cassandra:5.0.9
DOCKER_PROXY_IMAGE=local/docker-socket-proxy:0.5.0
HADOOP_IMAGE=local/hadoop:3.5.0
REDIS_IMAGE=local/redis:7.0
MAILPIT_IMAGE=local/mailpit:1.33.1
TASK_BASE_IMAGE=local/jre:17
TASK_JAR_SOURCE=host-build
ENV
echo "offline-images: every stand-in is ready; compose/offline.env written" >&2
