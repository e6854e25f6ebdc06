#!/usr/bin/env bash
# policy-gate's benchmark suite in one command; prints a Markdown table and keeps it in bench/results/.
# What each figure means and how it is measured: bench/README.md. Figures of the last full run:
# docs/performance.md. Options (environment variables):
#   RUNS=3     repeated runs per latency/throughput figure (the table shows medians)
#   QUICK=1    a short smoke run (seconds per scenario, small counts): checks the suite, not the machine
#   PG=0       skip PostgreSQL (by default a throwaway cluster is started when Debian's PostgreSQL is installed)
# Needs: a JDK 17+ (the service and the baseline are built with ./mvnw if missing), curl.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
QUICK=${QUICK:-0}
PG=${PG:-1}
if [ "$QUICK" = 1 ]; then
  RUNS=1; RATE_SECONDS=3; WARMUP=1; E2E_EVENTS=1000; SCALE_EVENTS=500; QUEUES="1000 2000"; MAX_RATES="250,500,1000"
else
  RATE_SECONDS=20; WARMUP=5; E2E_EVENTS=20000; SCALE_EVENTS=5000; QUEUES="1000 100000"
  MAX_RATES="250,500,750,1000,1250,1500,2000,2500,3000"
fi
SERVICE_PORT=18180; BASELINE_PORT=18190; GITLAB_PORT=18181; PG_PORT=18432
SECRET=bench-secret
WORK=$(mktemp -d /tmp/policy-gate-bench.XXXXXX)
mkdir -p bench/results
OUT=bench/results/$(date -u +%Y-%m-%dT%H%M%SZ).md

# Every JVM started is listed here, so that an interrupted run leaves none behind.
cleanup() {
  [ -f "$WORK/pids" ] && xargs -r kill < "$WORK/pids" 2>/dev/null || true
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then
    run_as_postgres "$PGBIN/pg_ctl -D $WORK/pg/data -m immediate stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
row() { echo "$*" | tee -a "$OUT"; }

# ---------------------------------------------------------------- build
[ -f target/quarkus-app/quarkus-run.jar ] || { log "building policy-gate"; ./mvnw -B -q package -DskipTests; }
[ -f bench/baseline/target/quarkus-app/quarkus-run.jar ] || { log "building the baseline"; ./mvnw -B -q -f bench/baseline/pom.xml package -DskipTests; }
javac -d "$WORK/classes" bench/Bench.java
bench() { java -cp "$WORK/classes" Bench "$@"; }

# ---------------------------------------------------------------- processes
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Starts a JVM in the background; prints "PID READY_MS" once URL answers 200.
start_jvm() { # name ready-url env... -- java args...
  local name=$1 url=$2; shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  local t0; t0=$(date +%s%N)
  env "${envs[@]}" java "$@" > "$WORK/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" >> "$WORK/pids"
  until curl -sf -o /dev/null "$url"; do
    kill -0 "$pid" 2>/dev/null || { log "$name did not start:"; tail -20 "$WORK/$name.log" >&2; exit 1; }
    sleep 0.02
  done
  echo "$pid $(( ($(date +%s%N) - t0) / 1000000 ))"
}

stop_jvm() { kill "$1" 2>/dev/null || true; while kill -0 "$1" 2>/dev/null; do sleep 0.1; done; }

start_service() { # db-url [extra env...]
  local db=$1; shift
  start_jvm service "http://127.0.0.1:$SERVICE_PORT/q/health/ready" \
    POLICY_GATE_GITLAB_URL="http://127.0.0.1:$GITLAB_PORT" POLICY_GATE_GITLAB_TOKEN=bench-token \
    POLICY_GATE_WEBHOOK_SECRET=$SECRET POLICY_GATE_API_TOKEN=bench-api POLICY_GATE_RECONCILE_EVERY=off \
    POLICY_GATE_DB_URL="$db" QUARKUS_HTTP_PORT=$SERVICE_PORT "$@" -- -jar target/quarkus-app/quarkus-run.jar
}

start_baseline() {
  start_jvm baseline "http://127.0.0.1:$BASELINE_PORT/q/health/ready" QUARKUS_HTTP_PORT=$BASELINE_PORT \
    -- -jar bench/baseline/target/quarkus-app/quarkus-run.jar
}

fresh_h2() { local dir="$WORK/h2-$RANDOM$RANDOM"; mkdir -p "$dir"; echo "jdbc:h2:file:$dir/journal"; }

gitlab_mode() { curl -sf -XPOST "http://127.0.0.1:$GITLAB_PORT/_bench/mode?$1" >/dev/null; }

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

field() { # prints the number after "$1 " in stdin's last matching line
  grep -o "$1 [0-9.]*" | tail -1 | awk '{print $NF}'
}

# ---------------------------------------------------------------- PostgreSQL (optional)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
run_as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
PG_URL=""
if [ "$PG" = 1 ] && [ -n "$PGBIN" ]; then
  mkdir -p "$WORK/pg"; [ "$(id -u)" = 0 ] && chown postgres "$WORK/pg" && chmod 755 "$WORK"
  run_as_postgres "$PGBIN/initdb -D $WORK/pg/data -U postgres -A trust" >/dev/null
  run_as_postgres "$PGBIN/pg_ctl -D $WORK/pg/data -o '-p $PG_PORT -k $WORK/pg -c max_connections=200' -l $WORK/pg/log -w start" >/dev/null
  PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"
  pg_reset() { psql -q -h 127.0.0.1 -p $PG_PORT -U postgres -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null; }
else
  log "PostgreSQL skipped (PG=0, or no /usr/lib/postgresql/*/bin: apt-get install postgresql)"
fi

# ---------------------------------------------------------------- the fake GitLab
bench fake-gitlab --port $GITLAB_PORT > "$WORK/gitlab.log" 2>&1 &
echo "$!" >> "$WORK/pids"
until curl -sf -o /dev/null "http://127.0.0.1:$GITLAB_PORT/api/v4/version"; do sleep 0.05; done

{
  echo "# policy-gate benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)."
  echo "RUNS=$RUNS QUICK=$QUICK; latencies are medians over runs; the load generator shares the machine."
  echo
} > "$OUT"
cat "$OUT"

# ---------------------------------------------------------------- 1. start-up and idle memory
log "start-up and idle memory, $RUNS runs each"
for app in baseline service; do
  starts=(); idle=()
  for _ in $(seq "$RUNS"); do
    if [ $app = baseline ]; then read -r pid ms < <(start_baseline); else read -r pid ms < <(start_service "$(fresh_h2)"); fi
    sleep 5
    starts+=("$ms"); idle+=("$(rss_kb "$pid")")
    stop_jvm "$pid"
  done
  eval "${app}_start=$(printf '%s\n' "${starts[@]}" | median)"
  eval "${app}_idle=$(( $(printf '%s\n' "${idle[@]}" | median | cut -d. -f1) / 1024 ))"
done
row "## Start-up and memory"
row ""
row "| | start-up to ready (ms) | idle RSS (MiB) |"
row "|---|---|---|"
row "| bare Quarkus baseline | $baseline_start | $baseline_idle |"
row "| policy-gate (H2) | $service_start | $service_idle |"
row "| ratio | $(awk "BEGIN {printf \"%.2f\", $service_start / $baseline_start}") | $(awk "BEGIN {printf \"%.2f\", $service_idle / $baseline_idle}") |"
row ""

# ---------------------------------------------------------------- 2. webhook acknowledgement
ack_row() { # label url first-iid pid
  local cells="" peak=0
  for rate in 200 500 1000; do
    local out
    out=$(bench ack --url "$2" --rate $rate --seconds $RATE_SECONDS --runs "$RUNS" --warmup-seconds $WARMUP \
      --first-iid $(( $3 + rate * 1000000 )) --secret $SECRET | tee -a "$WORK/ack.log" | grep '^ACK')
    cells="$cells | $(echo "$out" | field 'median p50') / $(echo "$out" | field 'median p99') ($(echo "$out" | field 'errors') err)"
    local now; now=$(rss_kb "$4"); [ "$now" -gt "$peak" ] && peak=$now
  done
  local max
  max=$(bench max-rate --url "$2" --rates "$MAX_RATES" --seconds $(( RATE_SECONDS / 2 > 3 ? RATE_SECONDS / 2 : 3 )) \
    --first-iid $(( $3 + 900000000 )) --secret $SECRET | tee -a "$WORK/ack.log" | grep '^MAX' | awk '{print $2}')
  row "| $1$cells | $max | $(( peak / 1024 )) |"
  eval "max_$5=$max"
}
log "webhook acknowledgement"
row "## Webhook acknowledgement"
row ""
row "p50 / p99 latency in ms from when each request was due (open model) to its 2xx; maximum sustained rate ="
row "the highest step with every request answered 2xx, the achieved rate within 3% of the target and p99 under 100 ms."
row ""
row "| | 200 req/s | 500 req/s | 1,000 req/s | max sustained (req/s) | RSS under load (MiB) |"
row "|---|---|---|---|---|---|"
read -r pid _ < <(start_baseline)
ack_row "bare Quarkus baseline" "http://127.0.0.1:$BASELINE_PORT/webhooks/gitlab" 0 "$pid" baseline
stop_jvm "$pid"
read -r pid _ < <(start_service "$(fresh_h2)")
ack_row "policy-gate, H2" "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" 0 "$pid" h2
stop_jvm "$pid"
if [ -n "$PG_URL" ]; then
  pg_reset
  read -r pid _ < <(start_service "$PG_URL" POLICY_GATE_DB_USERNAME=postgres)
  ack_row "policy-gate, PostgreSQL" "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" 0 "$pid" pg
  stop_jvm "$pid"
fi
row ""
row "Maximum sustained rate, policy-gate (H2) to baseline: $(awk "BEGIN {printf \"%.0f%%\", 100 * $max_h2 / $max_baseline}")."
row ""

# ---------------------------------------------------------------- 3. end to end
e2e_row() { # label db-url [env...]
  local label=$1 db=$2; shift 2
  local rates=() p99s=() lost=0
  for r in $(seq "$RUNS"); do
    [ "$db" = "$PG_URL" ] && pg_reset
    read -r pid _ < <(start_service "$db" "$@")
    bench ack --url "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" --rate 200 --seconds 2 --warmup-seconds 0 \
      --first-iid 1 --secret $SECRET > /dev/null
    sleep 3
    local out
    out=$(bench e2e --url "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" --gitlab "http://127.0.0.1:$GITLAB_PORT" \
      --events "$E2E_EVENTS" --rate 1000 --first-iid $(( r * 100000000 )) --secret $SECRET | tee -a "$WORK/e2e.log")
    rates+=("$(echo "$out" | grep '^E2E' | grep -o '[0-9]* events/s' | awk '{print $1}')")
    p99s+=("$(echo "$out" | grep '^E2E' | grep -o 'p99 [0-9]*' | awk '{print $2}')")
    lost=$(( lost + $(echo "$out" | grep '^E2E' | grep -o 'lost [0-9]*' | awk '{print $2}') ))
    stop_jvm "$pid"
  done
  row "| $label | $E2E_EVENTS | $(printf '%s\n' "${rates[@]}" | median) | $(printf '%s\n' "${p99s[@]}" | median) | $lost |"
}
log "end to end"
row "## End to end"
row ""
row "$E2E_EVENTS distinct merge request events sent at 1,000/s; verdicts counted by the fake GitLab (201 at once)."
row "Events/s: verdicts received / time from the first send to the last verdict. Latency: webhook sent to verdict received."
row ""
row "| journal | events | events/s | p99 webhook-to-report (ms) | lost |"
row "|---|---|---|---|---|"
e2e_row "H2 (embedded)" "$(fresh_h2)"
[ -n "$PG_URL" ] && e2e_row "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')" "$PG_URL" POLICY_GATE_DB_USERNAME=postgres
row ""

# ---------------------------------------------------------------- 4. cost of more policies
write_policies() { # dir count
  mkdir -p "$1"
  for i in $(seq "$2"); do
    case $(( i % 5 )) in
      0) printf 'name: ticket-%s\nrules:\n  - type: ticket\n    in: [title, description]\n    keys: [PAY, OPS]\n' "$i" ;;
      1) printf 'name: labels-%s\nrules:\n  - type: labels\n    require: [compliance-reviewed]\n    forbid: [do-not-merge]\n' "$i" ;;
      2) printf 'name: title-%s\nrules:\n  - type: title\n    pattern: "^[A-Z]+-[0-9]+ "\n' "$i" ;;
      3) printf "name: cel-%s\nappliesTo:\n  targetBranches: [main]\nrules:\n  - type: expression\n    expr: \"mergeRequest.labels.exists(l, l == 'compliance-reviewed') && !mergeRequest.draft\"\n" "$i" ;;
      4) printf 'name: branch-%s\nrules:\n  - type: branch\n    target: "^(main|release/.*)$"\n' "$i" ;;
    esac > "$1/policy-$i.yaml"
  done
  java -jar target/quarkus-app/quarkus-run.jar validate "$1" > /dev/null
}
log "policy count"
row "## Cost of more policies (H2)"
row ""
row "| policies | ack p50 / p99 at 500 req/s (ms) | end-to-end events/s ($SCALE_EVENTS events) | RSS after (MiB) |"
row "|---|---|---|---|"
for n in 1 10 100; do
  write_policies "$WORK/policies-$n" "$n"
  read -r pid _ < <(start_service "$(fresh_h2)" POLICY_GATE_POLICIES_DIR="$WORK/policies-$n")
  out=$(bench ack --url "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" --rate 500 --seconds $RATE_SECONDS \
    --warmup-seconds $WARMUP --first-iid 1 --secret $SECRET | grep '^ACK')
  sleep 5
  e2e=$(bench e2e --url "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" --gitlab "http://127.0.0.1:$GITLAB_PORT" \
    --events "$SCALE_EVENTS" --rate 500 --first-iid 500000000 --secret $SECRET | grep '^E2E')
  row "| $n | $(echo "$out" | field 'median p50') / $(echo "$out" | field 'median p99') | $(echo "$e2e" | grep -o '[0-9]* events/s' | awk '{print $1}') | $(( $(rss_kb "$pid") / 1024 )) |"
  stop_jvm "$pid"
done
row ""

# ---------------------------------------------------------------- 5. cost of a backlog
log "queued jobs"
row "## Cost of a backlog (H2; GitLab answering 503 while the jobs queue)"
row ""
row "| queued jobs | ack p50 / p99 at 200 req/s with the backlog (ms) | RSS with the backlog (MiB) | drain once GitLab is back (verdicts/s) |"
row "|---|---|---|---|"
for n in $QUEUES; do
  gitlab_mode "error-rate=1"
  # Short retry delays: the drain measures policy-gate, not how long a job waits for its next attempt.
  read -r pid _ < <(start_service "$(fresh_h2)" POLICY_GATE_GITLAB_BREAKER_OPEN_FOR=2s POLICY_GATE_REPORT_MAX_BACKOFF=2s)
  fill=$(bench ack --url "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" --rate 1000 --seconds $(( n / 1000 )) \
    --warmup-seconds 0 --first-iid 1 --secret $SECRET | grep '^RUN')
  out=$(bench ack --url "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" --rate 200 --seconds 10 --warmup-seconds 0 \
    --first-iid 800000000 --secret $SECRET)
  rss=$(( $(rss_kb "$pid") / 1024 ))
  queued=$(( $(echo "$fill" | field '2xx') + $(echo "$out" | grep '^RUN' | field '2xx') ))
  curl -sf -XPOST "http://127.0.0.1:$GITLAB_PORT/_bench/reset" > /dev/null
  gitlab_mode "error-rate=0"
  drain=$(bench drain --gitlab "http://127.0.0.1:$GITLAB_PORT" --expect "$queued" --timeout-seconds 1200 | grep '^DRAIN')
  out=$(echo "$out" | grep '^ACK')
  row "| $n | $(echo "$out" | field 'median p50') / $(echo "$out" | field 'median p99') | $rss | $(echo "$drain" | grep -o '[0-9]* verdicts/s' | awk '{print $1}') |"
  stop_jvm "$pid"
done
row ""
row "Policy evaluation alone (JMH, one thread): bench/run-jmh.sh."
log "written to $OUT"
