#!/usr/bin/env bash
# Writes app-cds.jsa beside quarkus-run.jar: a dynamic AppCDS archive (JDK 13+ -XX:ArchiveClassesAtExit) of
# every class one start of policy-gate loads, from a training start in dry-run mode whose journal and signing
# key live in a temporary folder, removed after. The service then starts with
# -XX:SharedArchiveFile=FOLDER/app-cds.jsa -jar FOLDER/quarkus-run.jar, as the image's ENTRYPOINT does: the
# archive records the class path of its training start, the jar's absolute path.
#
# Run by the image build, with the image's own JDK: a JVM uses an archive only if the same JDK build wrote it,
# and otherwise warns once and starts without it. Run by bench/run.sh too, so that what is measured is what the
# image runs. Quarkus's own quarkus.package.jar.appcds.enabled archives on JDK 17 only the classes of its static
# initialisation, which measured no faster start here (docs/performance.md).
#
# usage: [POLICY_GATE_POLICIES_DIR=…] app-cds.sh FOLDER-WITH-quarkus-run.jar [PORT]
# The policies are those the service will load (their rule types' classes are archived too): the image's, or
# POLICY_GATE_POLICIES_DIR.
set -euo pipefail
dir=${1:?usage: app-cds.sh FOLDER-WITH-quarkus-run.jar [PORT]}
port=${2:-18089}
cd "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f app-cds.jsa

POLICY_GATE_DRY_RUN=true POLICY_GATE_WEBHOOK_SECRET=app-cds-training POLICY_GATE_RECONCILE_EVERY=off \
  POLICY_GATE_DB_URL="jdbc:h2:file:$work/journal" POLICY_GATE_ATTESTATIONS_KEY_DIR="$work/key" \
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
  java -XX:ArchiveClassesAtExit=app-cds.jsa -Xlog:cds=off -jar "$PWD/quarkus-run.jar" > "$work/log" 2>&1 &
pid=$!

# Without curl (the image has none): one HTTP/1.0 request through bash's /dev/tcp.
ready() (
  exec 3<> "/dev/tcp/127.0.0.1/$port"
  printf 'GET /q/health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  head -1 <&3 | grep -q ' 200 '
)

for _ in $(seq 1200); do
  if ready 2> /dev/null; then
    # A normal exit (SIGTERM, Quarkus's graceful shutdown) is when the JVM writes the archive.
    kill -TERM "$pid"
    wait "$pid" || true
    if [ -s app-cds.jsa ]; then
      echo "app-cds.jsa: $(du -h app-cds.jsa | cut -f1), written by $(java -version 2>&1 | head -1)"
      exit 0
    fi
    break
  fi
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1
done
kill "$pid" 2> /dev/null || true
wait "$pid" || true
rm -f app-cds.jsa
echo "app-cds.sh: the training start did not come up ready, or wrote no archive; its log:" >&2
cat "$work/log" >&2
exit 1
