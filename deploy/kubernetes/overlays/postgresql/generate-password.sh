#!/usr/bin/env sh
# Writes a random password for the in-namespace PostgreSQL into postgres-password.txt (readable by you only),
# unless one is there already: kustomize cannot make random values, and no password is committed. Run it once
# before the first `kubectl apply -k`; keep the file (or the Secret policy-gate-db) as long as the database's
# volume lives, since PostgreSQL takes the password only when it first creates its data.
set -eu
cd "$(dirname "$0")"
if [ -s postgres-password.txt ]; then
  echo "postgres-password.txt exists; keeping it"
  exit 0
fi
umask 077
head -c 32 /dev/urandom | base64 | tr -d '\n/+=' > postgres-password.txt
echo "wrote a new password to $(pwd)/postgres-password.txt"
