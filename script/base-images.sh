#!/usr/bin/env bash
# Builds, without any registry, the local base images that the end-to-end tests pass to the
# task Dockerfiles (which default to the official images), and that script/offline-images.sh builds on:
#   local/debian:bookworm  Debian bookworm (debootstrap, minbase); its apt reaches the same mirror over HTTP
#   local/debian:forky     Debian forky (testing), the same way: the socket proxy's stand-in takes
#                          HAProxy 3.2 from it, the closest a registry serves to upstream's 3.4
#   local/jre:17           local/debian:bookworm + a Java 17 runtime jlink-ed from this JDK
#   local/spark:3.5.7      local/jre:17 + the Spark 3.5.7 distribution of PyPI's pyspark in /opt/spark,
#                          with the official apache/spark image's layout: SPARK_HOME=/opt/spark, user
#                          spark (uid 185), and wget for compose's healthchecks
# An image that exists already is kept. Needs root (debootstrap). Usage: script/base-images.sh
set -euo pipefail
cd "$(dirname "$0")/.."

docker="$(script/docker-engine.sh)"
work="$PWD/target/base-images"
debian_image=local/debian:bookworm
forky_image=local/debian:forky
jre_image=local/jre:17
spark_image=local/spark:3.5.7

exists() { "$docker" image inspect "$1" >/dev/null 2>&1; }

# debootstrap_image SUITE IMAGE: a minbase Debian of that suite, imported as IMAGE.
debootstrap_image() {
  local suite="$1" image="$2" rootfs="$work/rootfs-$1" script=()
  command -v debootstrap >/dev/null \
    || { echo "base-images: debootstrap is missing (script/setup.sh installs it)" >&2; exit 1; }
  # Bookworm's debootstrap predates forky: testing bootstraps as sid does.
  [[ -e "/usr/share/debootstrap/scripts/$suite" ]] || script=(/usr/share/debootstrap/scripts/sid)
  rm -rf "$rootfs" && mkdir -p "$work"
  echo "base-images: debootstrap $suite from $mirror (about a minute)" >&2
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" "${script[@]}" >"$work/debootstrap-$suite.log" 2>&1 \
    || { echo "base-images: debootstrap $suite failed, see $work/debootstrap-$suite.log" >&2; exit 1; }
  rm -rf "$rootfs"/usr/share/{doc,info,locale}/* "$rootfs"/usr/share/man/* "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/lib/apt/lists/*
  # A JRE or PostgreSQL installed later by apt needs these directories to exist.
  mkdir -p "$rootfs"/usr/share/man/man{1,7}
  tar -C "$rootfs" -c . | "$docker" import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$image" >/dev/null
  rm -rf "$rootfs"
}

# The mirror apt already uses: it is the one this machine can reach.
mirror="$(grep -hoE '^URIs: *http[^ ]*/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | sed 's/^URIs: *//')"
mirror="${mirror:-http://deb.debian.org/debian}"
exists "$debian_image" || debootstrap_image bookworm "$debian_image"
exists "$forky_image" || debootstrap_image forky "$forky_image"

if ! exists "$jre_image"; then
  echo "base-images: jlink a Java runtime" >&2
  rm -rf "$work/jre" && mkdir -p "$work/jre"
  jlink --add-modules ALL-MODULE-PATH --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$work/jre/java"
  DOCKER_BUILDKIT=1 "$docker" build --quiet --force-rm -t "$jre_image" -f - "$work/jre" >/dev/null <<DOCKERFILE
FROM $debian_image
COPY java /opt/java
ENV JAVA_HOME=/opt/java \\
    PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DOCKERFILE
  rm -rf "$work/jre"
fi

if ! exists "$spark_image"; then
  spark_home="$(script/install-spark.sh --check)"
  echo "base-images: $spark_image from $spark_home" >&2
  DOCKER_BUILDKIT=1 "$docker" build --quiet --force-rm -t "$spark_image" -f - "$spark_home" >/dev/null <<DOCKERFILE
FROM $jre_image
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wget procps >/dev/null \\
 && rm -rf /var/lib/apt/lists/*
# Owned by spark, as in the official image: a worker creates its work/ directory in there.
COPY --chown=185:185 . /opt/spark
RUN echo 'spark:x:185:185:spark:/home/spark:/bin/sh' >>/etc/passwd \\
 && echo 'spark:x:185:' >>/etc/group \\
 && mkdir -p /home/spark /opt/spark/work-dir && chown 185:185 /home/spark /opt/spark/work-dir
ENV SPARK_HOME=/opt/spark
WORKDIR /opt/spark/work-dir
USER 185
DOCKERFILE
fi
echo "base-images: $debian_image, $forky_image, $jre_image and $spark_image are ready" >&2
