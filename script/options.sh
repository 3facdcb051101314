#!/usr/bin/env bash
# Prints every option of the task jars as Markdown tables: option, environment variable, default,
# meaning, read from each task's own picocli definition (script/OptionsTable.java), never copied
# by hand. Usage: script/options.sh [task...] (default: all four), after `mvn package -DskipTests`.
# stream-users needs a Spark distribution for its classes: SPARK_HOME, or script/install-spark.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

tasks=("$@")
((${#tasks[@]})) || tasks=(fetch-users stream-users submit-spark verify-cassandra)
for task in "${tasks[@]}"; do
  jar="tasks/$task/target/$task.jar"
  [[ -f "$jar" ]] || { echo "options: $jar is missing; run mvn package -DskipTests first" >&2; exit 1; }
  classpath="$jar"
  if [[ "$task" == stream-users ]]; then
    classpath="$jar:${SPARK_HOME:-$(script/install-spark.sh)}/jars/*"
  fi
  main_class="$(unzip -p "$jar" META-INF/MANIFEST.MF | sed -n 's/^Main-Class: *//p' | tr -d '\r')"
  printf '## %s\n\n' "$task"
  java -cp "$classpath" script/OptionsTable.java "$main_class"
  echo
done
