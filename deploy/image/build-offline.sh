#!/usr/bin/env bash
# Builds the policy-gate image with buildah where no container registry is reachable (as on this
# project's build machines): the base, Debian bookworm with openjdk-17-jre-headless, comes from Debian's
# package mirror through debootstrap; src/main/docker/Dockerfile.jvm is then built on top of it. With a
# registry, use `docker build -f src/main/docker/Dockerfile.jvm .` instead.
# Needs root, buildah and debootstrap (apt-get install buildah debootstrap). Prints the image size and
# starts the image once to check that the service comes up ready.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILDAH_ISOLATION=chroot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests

if ! buildah inspect localhost/debian-jre17 > /dev/null 2>&1; then
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$work/rootfs" http://deb.debian.org/debian
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  base=$(buildah from scratch)
  mnt=$(buildah mount "$base")
  cp -a "$work/rootfs/." "$mnt/"
  buildah umount "$base"
  buildah commit --rm "$base" localhost/debian-jre17
fi

buildah build --from localhost/debian-jre17 -f src/main/docker/Dockerfile.jvm -t localhost/policy-gate:0.1.0 .
buildah images --format '{{.Name}}:{{.Tag}} {{.Size}}' localhost/policy-gate:0.1.0

# Start it (host network, dry run) and wait for readiness; -Xshare:on refuses to start if the image's AppCDS
# archive could not be used by the image's JVM.
port=18080
ctr=$(buildah from localhost/policy-gate:0.1.0)
buildah run --env QUARKUS_HTTP_PORT=$port --env POLICY_GATE_DRY_RUN=true --env POLICY_GATE_WEBHOOK_SECRET=check \
  --env POLICY_GATE_DB_URL=jdbc:h2:mem:image "$ctr" -- java -Xshare:on -XX:SharedArchiveFile=/deployments/app-cds.jsa -jar /deployments/quarkus-run.jar > "$work/run.log" 2>&1 &
runner=$!
for _ in $(seq 1 60); do
  if curl -sf "http://localhost:$port/q/health/ready" > /dev/null; then
    echo "image started: /q/health/ready answered 200"
    kill "$runner" 2> /dev/null || true
    buildah rm "$ctr" > /dev/null
    exit 0
  fi
  sleep 1
done
cat "$work/run.log"
echo "the image did not become ready" >&2
exit 1
