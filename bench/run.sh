#!/usr/bin/env bash
# policy-gate's benchmark suite in one command. Prints Markdown tables and writes them to
# bench/results/<time>.md, with every process's output beside them in bench/results/<time>-logs/
# (bench/results/ is not committed). What each figure means and how it is measured: bench/README.md.
#
# Options (environment variables):
#   QUICK=1      a smoke run: low rates, small counts, a few minutes; checks the suite, its numbers mean little
#   RUNS=3       runs per start-up, acknowledgement and end-to-end figure; tables show medians (QUICK: 1)
#   PG=auto      PostgreSQL rows when Debian's postgresql is installed; PG=1 requires them, PG=0 skips them
#   JVM_OPTS=    JVM options for policy-gate and the baseline alike, e.g. -Xmx512m (none by default)
#   SERVICE_JAR=target/quarkus-app/quarkus-run.jar   the policy-gate to measure, e.g. an earlier build for an A/B
#   APPCDS=1     policy-gate starts as its image starts it, with the AppCDS archive that src/main/docker/app-cds.sh
#                writes beside the jar (again whenever the jar is newer); the start-up scenario measures it without
#                the archive too; APPCDS=0: never with it
#   SCENARIOS="startup ack e2e bot policies backlog"   which scenarios to run
#   E2E_LATENCIES="0 250"   end to end once per GitLab latency (ms the fake GitLab waits before each answer); the
#                runs with a latency send E2E_SLOW_EVENTS at E2E_SLOW_RATE (a slow GitLab takes longer per event)
#   BUDGET_EVENTS=1000 BUDGET_SECONDS=10 BUDGET_LATENCY_MS=100 BUDGET_LIMIT=2000   the budget scenario: a bot's
#                burst against a GitLab that allows BUDGET_LIMIT calls a minute (GitLab.com's 2,000 per user, fixed
#                clock-minute windows, RateLimit-* headers, 429 + Retry-After past it), policy-gate on its defaults
#   BOT_EVENTS=500 BOT_SECONDS=10 BOT_LATENCY_MS=250   a bot's burst: that many merge requests in that time, GitLab
#                that slow; the figure is how long after the last webhook the last verdict arrives
#   IN_FLIGHT=512   policy-gate.worker.jobs-in-flight and policy-gate.gitlab.max-concurrent-calls of the runs against
#                a slow GitLab (latency > 0, bot), for builds before issue 33 whose defaults (32 jobs, 8 calls) would
#                be the bound measured instead; IN_FLIGHT=defaults: every run on policy-gate's defaults (since issue
#                33: 512 jobs in flight, an adaptive limit of calls under 512)
#   sizes: ACK_RATES, ACK_SECONDS, WARMUP_SECONDS, MAX_START, MAX_CEILING, MAX_P99_MS, STEP_SECONDS,
#          E2E_EVENTS, E2E_RATE, POLICY_COUNTS, POLICY_EVENTS, POLICY_RATE, BACKLOGS, BACKLOG_RATE,
#          BACKLOG_SECONDS, IDLE_SECONDS (defaults below)
#   ports: SERVICE_PORT, GITLAB_PORT, BASELINE_PORT, PG_PORT, REPLICA_PORT (the budget scenario's second replica)
# Needs a JDK 17+. Builds policy-gate (./mvnw package) and the baseline when their jars are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${QUICK:-0}" = 1 ]; then
  : "${RUNS:=1}" "${ACK_RATES:=50 100}" "${ACK_SECONDS:=2}" "${WARMUP_SECONDS:=1}" "${IDLE_SECONDS:=2}" \
    "${MAX_START:=50}" "${MAX_CEILING:=150}" "${STEP_SECONDS:=2}" "${E2E_EVENTS:=200}" "${E2E_RATE:=50}" \
    "${POLICY_EVENTS:=100}" "${POLICY_RATE:=50}" "${BACKLOGS:=1000}" "${BACKLOG_RATE:=50}" "${BACKLOG_SECONDS:=2}" \
    "${BOT_EVENTS:=50}" "${BOT_SECONDS:=5}" "${E2E_SLOW_EVENTS:=100}" "${E2E_SLOW_RATE:=50}"
else
  : "${RUNS:=3}" "${ACK_RATES:=200 500 1000}" "${ACK_SECONDS:=20}" "${WARMUP_SECONDS:=10}" "${IDLE_SECONDS:=5}" \
    "${MAX_START:=250}" "${MAX_CEILING:=20000}" "${STEP_SECONDS:=10}" "${E2E_EVENTS:=20000}" "${E2E_RATE:=1000}" \
    "${POLICY_EVENTS:=10000}" "${POLICY_RATE:=500}" "${BACKLOGS:=1000 100000}" "${BACKLOG_RATE:=200}" "${BACKLOG_SECONDS:=20}"
fi
: "${PG:=auto}" "${JVM_OPTS:=}" "${MAX_P99_MS:=100}" "${POLICY_COUNTS:=1 10 100}" "${E2E_LATENCIES:=0 250}" \
  "${BUDGET_EVENTS:=1000}" "${BUDGET_SECONDS:=10}" "${BUDGET_LATENCY_MS:=100}" "${BUDGET_LIMIT:=2000}" \
  "${BOT_EVENTS:=500}" "${BOT_SECONDS:=10}" "${BOT_LATENCY_MS:=250}" "${E2E_SLOW_EVENTS:=2000}" "${E2E_SLOW_RATE:=200}" \
  "${IN_FLIGHT:=512}" "${SCENARIOS:=startup ack e2e bot policies backlog}" \
  "${SERVICE_PORT:=18380}" "${GITLAB_PORT:=18381}" "${BASELINE_PORT:=18390}" "${PG_PORT:=18432}" \
  "${REPLICA_PORT:=18382}"
SECRET=bench-webhook-secret

for port in "$SERVICE_PORT" "$GITLAB_PORT" "$BASELINE_PORT" "$PG_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use; choose others with SERVICE_PORT, GITLAB_PORT, BASELINE_PORT, PG_PORT" >&2
    exit 1
  fi
done

STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
OUT=bench/results/$STAMP.md
LOGS=bench/results/$STAMP-logs
mkdir -p "$LOGS"
WORK=$(mktemp -d /tmp/policy-gate-bench.XXXXXX)
# Bench.java appends the PIDs of the services it launches, so that an interrupted run leaves none behind.
export BENCH_PIDS=$WORK/pids
touch "$BENCH_PIDS"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

cleanup() {
  local pid
  while read -r pid; do
    # Only our JVMs: a PID of a process long gone may have been reused.
    if grep -qs -e Bench -e quarkus-run.jar "/proc/$pid/cmdline"; then kill "$pid" 2>/dev/null || true; fi
  done < "$BENCH_PIDS"
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then
    as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast stop > /dev/null 2>&1 || true
    cp "$WORK/pg/log" "$LOGS/postgresql.log" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build

: "${SERVICE_JAR:=target/quarkus-app/quarkus-run.jar}"
if [ ! -f "$SERVICE_JAR" ]; then
  log "building policy-gate"
  ./mvnw -B -q package -DskipTests
fi
if [ ! -f bench/baseline/target/quarkus-app/quarkus-run.jar ] \
   || [ -n "$(find bench/baseline/pom.xml bench/baseline/src -newer bench/baseline/target/quarkus-app/quarkus-run.jar)" ]; then
  log "building the baseline"
  ./mvnw -B -q -f bench/baseline/pom.xml package -DskipTests
fi
javac -d "$WORK/classes" bench/Bench.java
: "${APPCDS:=1}"
SERVICE_DIR=$(cd "$(dirname "$SERVICE_JAR")" && pwd)
SERVICE_CDS=()
if [ "$APPCDS" != 0 ]; then
  if [ ! -f "$SERVICE_DIR/app-cds.jsa" ] || [ "$SERVICE_JAR" -nt "$SERVICE_DIR/app-cds.jsa" ] \
     || [ -n "$(find "$SERVICE_DIR/lib" "$SERVICE_DIR/app" -newer "$SERVICE_DIR/app-cds.jsa" -print -quit)" ]; then
    log "writing the AppCDS archive (src/main/docker/app-cds.sh)"
    POLICY_GATE_POLICIES_DIR="$PWD/policies" src/main/docker/app-cds.sh "$SERVICE_DIR" "$SERVICE_PORT" > /dev/null
  fi
  # -Xshare:on: a JVM that cannot use the archive refuses to start rather than measure without it.
  SERVICE_CDS=(-Xshare:on "-XX:SharedArchiveFile=$SERVICE_DIR/app-cds.jsa")
fi

# JVM_OPTS is split into words on purpose. The service by its absolute path, as the image's ENTRYPOINT starts it:
# the archive records the class path its training start had.
# shellcheck disable=SC2206
SERVICE_WITHOUT_CDS=(java $JVM_OPTS -jar "$SERVICE_DIR/$(basename "$SERVICE_JAR")")
SERVICE=("${SERVICE_WITHOUT_CDS[0]}" "${SERVICE_CDS[@]}" "${SERVICE_WITHOUT_CDS[@]:1}")
# shellcheck disable=SC2206
BASELINE=(java $JVM_OPTS -jar bench/baseline/target/quarkus-app/quarkus-run.jar)
SERVICE_ENV=(POLICY_GATE_GITLAB_URL="http://127.0.0.1:$GITLAB_PORT" POLICY_GATE_GITLAB_TOKEN=bench-gitlab-token
  POLICY_GATE_WEBHOOK_SECRET=$SECRET POLICY_GATE_API_TOKEN=bench-api-token POLICY_GATE_RECONCILE_EVERY=off
  POLICY_GATE_PUBLIC_URL="http://127.0.0.1:$SERVICE_PORT"
  QUARKUS_HTTP_PORT="$SERVICE_PORT")

# ---------------------------------------------------------------- helpers

# bench NAME [VAR=value...] COMMAND [ARGS...]: one Bench.java command, output in $LOGS/NAME.out. A failure is
# logged and leaves its figures empty ("—" in the tables); the other scenarios still run.
bench() {
  local name=$1; shift
  local envs=()
  while [[ $1 == *=* ]]; do envs+=("$1"); shift; done
  log "$name: $1"
  # In the background, so that an interrupt reaches the trap at once rather than after the command.
  env "${envs[@]}" java -cp "$WORK/classes" Bench "$@" > "$LOGS/$name.out" 2>&1 &
  local pid=$!
  echo "$pid" >> "$BENCH_PIDS"
  if ! wait "$pid"; then
    log "$name failed; the end of $LOGS/$name.out:"
    tail -15 "$LOGS/$name.out" >&2
  fi
  grep '^service log:' "$LOGS/$name.out" >&2 || true
  # About a kilobyte of JSON per job: a full run's logs would take hundreds of megabytes.
  if [ -f "$LOGS/$name.log" ]; then gzip -f "$LOGS/$name.log"; fi
}

SEQ=0
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# new_database SEQUENCE-NUMBER: a fresh, empty PostgreSQL database; its JDBC URL.
new_database() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qAtc "CREATE DATABASE bench_$1" > /dev/null
  echo "jdbc:postgresql://127.0.0.1:$PG_PORT/bench_$1"
}

# A fresh, empty journal for each service: its variables.
journal_env() { # h2|pg sequence-number
  if [ "$1" = pg ]; then
    echo "POLICY_GATE_DB_URL=$(new_database "$2") POLICY_GATE_DB_USERNAME=postgres"
  else
    mkdir -p "$WORK/h2-$2"
    echo "POLICY_GATE_DB_URL=jdbc:h2:file:$WORK/h2-$2/journal"
  fi
}

# The fake GitLab the service reports to: in the JVM of each Bench command (--gitlab-port), where the end-to-end
# scenarios count its verdicts, unless own_gitlab started one in a process of its own.
OWN_GITLAB=
# own_gitlab: a fresh fake GitLab on GITLAB_PORT in a process of its own until no_own_gitlab; Bench reads its
# verdict count (--gitlab-stats) to let the service drain between runs, and every command numbers its merge
# requests from 1, so each command needs a fresh one. For the scenarios that measure the webhook's latency: in
# Bench's JVM it would also answer the service's five GitLab calls a verdict, and the load generator's own lag,
# which counts in every figure, would grow with them.
own_gitlab() {
  java -cp "$WORK/classes" Bench fake-gitlab --port "$GITLAB_PORT" \
    --check-url "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" >> "$LOGS/fake-gitlab.out" 2>&1 &
  OWN_GITLAB=$!
  echo "$OWN_GITLAB" >> "$BENCH_PIDS"
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$GITLAB_PORT") 2>/dev/null; then return; fi
    sleep 0.1
  done
  log "the fake GitLab did not listen on port $GITLAB_PORT within 10 s; see $LOGS/fake-gitlab.out"
  exit 1
}
no_own_gitlab() { kill "$OWN_GITLAB"; wait "$OWN_GITLAB" 2>/dev/null || true; OWN_GITLAB=; }
# with_own_gitlab COMMAND [ARGS...]: the command while a fresh fake GitLab of its own answers (own_gitlab).
with_own_gitlab() { own_gitlab; "$@"; no_own_gitlab; }

# on_service NAME h2|pg [VAR=value...] -- COMMAND [ARGS...]: a Bench command against a policy-gate it launches
# on a fresh journal, reporting to the fake GitLab (see OWN_GITLAB).
on_service() {
  local name=$1 journal=$2; shift 2
  SEQ=$((SEQ + 1))
  local envs=("${SERVICE_ENV[@]}")
  # shellcheck disable=SC2207
  envs+=($(journal_env "$journal" "$SEQ"))
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local command=$1; shift
  local gitlab=(--gitlab-port "$GITLAB_PORT")
  if [ -n "$OWN_GITLAB" ]; then gitlab=(--gitlab-stats "http://127.0.0.1:$GITLAB_PORT/_bench/stats"); fi
  bench "$name" "${envs[@]}" "$command" --url "http://127.0.0.1:$SERVICE_PORT/webhooks/gitlab" \
    --ready "http://127.0.0.1:$SERVICE_PORT/q/health/ready" "${gitlab[@]}" --secret "$SECRET" \
    --log "$LOGS/$name.log" "$@" -- "${SERVICE[@]}"
}

# on_baseline NAME COMMAND [ARGS...]: the same against the bare Quarkus baseline.
on_baseline() { baseline_at /webhooks/gitlab QUARKUS_HTTP_PORT="$BASELINE_PORT" "$@"; }
# on_durable_baseline NAME COMMAND [ARGS...]: against the baseline's /webhooks/durable (202 after one INSERT
# committed to PostgreSQL), on a fresh database.
on_durable_baseline() {
  SEQ=$((SEQ + 1))
  baseline_at /webhooks/durable BASELINE_DB_URL="$(new_database "$SEQ")?user=postgres" QUARKUS_HTTP_PORT="$BASELINE_PORT" "$@"
}
baseline_at() { # PATH VAR=value... NAME COMMAND [ARGS...]
  local path=$1 envs=(); shift
  while [[ $1 == *=* ]]; do envs+=("$1"); shift; done
  local name=$1 command=$2; shift 2
  bench "$name" "${envs[@]}" "$command" --url "http://127.0.0.1:$BASELINE_PORT$path" \
    --ready "http://127.0.0.1:$BASELINE_PORT/q/health/ready" --secret "$SECRET" --log "$LOGS/$name.log" "$@" \
    -- "${BASELINE[@]}"
}

# res NAME 'RESULT-NAME' KEY: one figure of a Bench output, or — when it has none.
res() {
  local value
  value=$(grep -m1 "^RESULT $2 " "$LOGS/$1.out" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$3=//p" | head -1 || true)
  echo "${value:-—}"
}

median() {
  printf '%s\n' "$@" | grep -v '^—$' | sort -g \
    | awk '{v[NR] = $1} END {if (NR == 0) print "—"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# runs PREFIX 'RESULT-NAME' KEY: that figure of the outputs PREFIX-1 ... PREFIX-$RUNS, one a line.
runs() { local run; for run in $(seq "$RUNS"); do res "$1-$run" "$2" "$3"; done; }
median_of() { median $(runs "$@"); }
# add VALUE...: their sum, — when none was measured.
add() { printf '%s\n' "$@" | grep -v '^—$' | awk '{s += $1; n++} END {if (n) print s; else print "—"}'; }
sum_of() { add $(runs "$@"); }

# f VALUE [DECIMALS]: a number for a table cell, with thousands separators.
f() {
  if [ "$1" = — ]; then echo —; else LC_ALL=C printf "%.${2:-0}f" "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; fi
}
ms() { f "$1" "${2:-1}"; }
ratio() { if [ "$1" = — ] || [ "$2" = — ]; then echo —; else awk "BEGIN {printf \"%.2f\", $1 / $2}"; fi; }
# met VALUE <=|>= LIMIT: whether a target is met.
met() {
  if [ "$1" = — ]; then echo "not measured"; return; fi
  if awk "BEGIN {exit !($1 $2 $3)}"; then echo yes; else echo "**no**"; fi
}
row() { echo "$*" | tee -a "$OUT"; }
has() { [[ " $SCENARIOS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- PostgreSQL

JOURNALS="h2"
if [ "$PG" != 0 ]; then
  if [ -n "$PGBIN" ]; then
    mkdir -p "$WORK/pg"
    if [ "$(id -u)" = 0 ]; then chown postgres "$WORK/pg"; chmod 755 "$WORK"; fi
    as_postgres "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres -A trust > "$LOGS/postgresql-initdb.log"
    # Defaults otherwise (fsync on, 128 MB shared buffers): a PostgreSQL nobody tuned.
    as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
      -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" start > /dev/null
    JOURNALS="h2 pg"
    PG_VERSION=$("$PGBIN/postgres" --version | awk '{print $3}')
  elif [ "$PG" = 1 ]; then
    echo "PG=1 but PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
  else
    log "no PostgreSQL (/usr/lib/postgresql/*/bin): its rows are skipped; apt-get install postgresql to add them"
  fi
fi
journal_name() { if [ "$1" = pg ]; then echo "PostgreSQL $PG_VERSION"; else echo "H2 (embedded)"; fi; }
# e2e_name JOURNAL LATENCY: the runs of one end-to-end row; the targets are checked on the first latency's.
e2e_name() { if [ "$2" = 0 ]; then echo "e2e-$1"; else echo "e2e-$1-gitlab-$2ms"; fi; }
# e2e_events LATENCY, e2e_rate LATENCY: the sizes of an end-to-end run against a GitLab that slow.
e2e_events() { if [ "$1" = 0 ]; then echo "$E2E_EVENTS"; else echo "$E2E_SLOW_EVENTS"; fi; }
e2e_rate() { if [ "$1" = 0 ]; then echo "$E2E_RATE"; else echo "$E2E_SLOW_RATE"; fi; }
first_word() { echo "$1"; }
# in_flight_env LATENCY: the service's settings for a GitLab that slow: IN_FLIGHT jobs and calls against a slow
# one, the defaults against an instant one (see IN_FLIGHT above).
in_flight_env() {
  if [ "$1" != 0 ] && [ "$IN_FLIGHT" != defaults ]; then
    echo "POLICY_GATE_WORKER_JOBS_IN_FLIGHT=$IN_FLIGHT POLICY_GATE_GITLAB_MAX_CONCURRENT_CALLS=$IN_FLIGHT"
  fi
}

# ---------------------------------------------------------------- measure

if has startup; then
  for run in $(seq "$RUNS"); do
    on_baseline "startup-baseline-$run" startup --idle-seconds "$IDLE_SECONDS"
    on_service "startup-h2-$run" h2 -- startup --idle-seconds "$IDLE_SECONDS"
    if [ "$APPCDS" != 0 ]; then
      # What the archive buys and costs, in the same run.
      with_cds=("${SERVICE[@]}"); SERVICE=("${SERVICE_WITHOUT_CDS[@]}")
      on_service "startup-h2-without-cds-$run" h2 -- startup --idle-seconds "$IDLE_SECONDS"
      SERVICE=("${with_cds[@]}")
    fi
  done
fi

if has ack; then
  ACK_ARGS=(--rates "$(echo "$ACK_RATES" | tr ' ' ,)" --seconds "$ACK_SECONDS" --runs "$RUNS" --warmup-seconds "$WARMUP_SECONDS")
  MAX_ARGS=(--start "$MAX_START" --max "$MAX_CEILING" --seconds "$STEP_SECONDS" --p99-ms "$MAX_P99_MS"
    --warmup-seconds "$WARMUP_SECONDS")
  on_baseline ack-baseline ack "${ACK_ARGS[@]}"
  on_baseline max-baseline max-rate "${MAX_ARGS[@]}"
  if [[ " $JOURNALS " == *" pg "* ]]; then
    on_durable_baseline ack-durable ack "${ACK_ARGS[@]}"
    on_durable_baseline max-durable max-rate "${MAX_ARGS[@]}"
  fi
  for journal in $JOURNALS; do
    with_own_gitlab on_service "ack-$journal" "$journal" -- ack "${ACK_ARGS[@]}"
    with_own_gitlab on_service "max-$journal" "$journal" -- max-rate "${MAX_ARGS[@]}"
  done
fi

if has e2e; then
  for latency in $E2E_LATENCIES; do
    for journal in $JOURNALS; do
      for run in $(seq "$RUNS"); do
        on_service "$(e2e_name "$journal" "$latency")-$run" "$journal" $(in_flight_env "$latency") -- e2e --events "$(e2e_events "$latency")" \
          --rate "$(e2e_rate "$latency")" --warmup-events $(($(e2e_rate "$latency") * WARMUP_SECONDS)) \
          --burst-events "$(e2e_events "$latency")" --gitlab-latency-ms "$latency"
      done
    done
  done
fi

if has bot; then
  for journal in $JOURNALS; do
    for run in $(seq "$RUNS"); do
      on_service "bot-$journal-$run" "$journal" $(in_flight_env "$BOT_LATENCY_MS") -- e2e --events "$BOT_EVENTS" --rate $((BOT_EVENTS / BOT_SECONDS)) \
        --warmup-events 0 --gitlab-latency-ms "$BOT_LATENCY_MS"
    done
  done
fi

# budget_run NAME JOURNAL [DB_ENV]: the budget scenario's e2e run, started at the top of a clock minute (as the bot's
# burst would meet a fresh window of GitLab's); DB_ENV: the journal of a replica already running beside it.
budget_run() {
  sleep $((60 - $(date +%s) % 60))
  # shellcheck disable=SC2086
  on_service "$1" "$2" ${3:-} -- e2e --events "$BUDGET_EVENTS" \
    --rate $((BUDGET_EVENTS / BUDGET_SECONDS)) --warmup-events 0 --gitlab-latency-ms "$BUDGET_LATENCY_MS" \
    --gitlab-rate-limit "$BUDGET_LIMIT"
}

if has budget; then
  for journal in $JOURNALS; do
    for run in $(seq "$RUNS"); do
      budget_run "budget-$journal-$run" "$journal"
    done
  done
  if [[ " $JOURNALS " == *" pg "* ]]; then
    # Two replicas on one PostgreSQL journal and one token: the second takes jobs from the journal the first
    # fills, both spend GitLab's one budget. The second starts first, so that it migrates the journal.
    for run in $(seq "$RUNS"); do
      SEQ=$((SEQ + 1))
      db_env=$(journal_env pg "$SEQ")
      # shellcheck disable=SC2086
      env "${SERVICE_ENV[@]}" $db_env QUARKUS_HTTP_PORT="$REPLICA_PORT" "${SERVICE[@]}" \
        > "$LOGS/budget-2-replicas-$run-second.log" 2>&1 &
      second=$!
      echo "$second" >> "$BENCH_PIDS"
      for _ in $(seq 300); do
        if curl -fs "http://127.0.0.1:$REPLICA_PORT/q/health/ready" > /dev/null 2>&1; then break; fi
        sleep 0.2
      done
      budget_run "budget-2-replicas-$run" pg "$db_env"
      kill "$second"; wait "$second" 2>/dev/null || true
    done
  fi
fi

# Policies that all apply and pass for the compliant payload (a failing one would add a merge request note
# per event), of every kind; paths, size, commits and author read the merge request from GitLab, as real
# sets do.
write_policies() { # DIR COUNT
  mkdir -p "$1"
  local i
  for i in $(seq "$2"); do
    case $(( (i - 1) % 10 )) in
      0) printf 'name: ticket-%s\nrules:\n  - type: ticket\n    in: [title, description, sourceBranch]\n    keys: [PAY, OPS, T%s]\n    message: Reference a Jira ticket.\n' "$i" "$i" ;;
      1) printf 'name: labels-%s\nrules:\n  - type: labels\n    require: [compliance-reviewed]\n    forbid: [do-not-merge, blocked-%s]\n' "$i" "$i" ;;
      2) printf 'name: title-%s\nrules:\n  - type: title\n    pattern: "^(PAY|OPS|T%s)-[0-9]+ "\n' "$i" "$i" ;;
      3) printf "name: cel-%s\nappliesTo:\n  targetBranches: [main, \"release/*\"]\n  when: \"!mergeRequest.draft\"\nrules:\n  - type: expression\n    expr: \"mergeRequest.labels.exists(l, l == 'compliance-reviewed') || mergeRequest.title.startsWith('T%s-')\"\n" "$i" "$i" ;;
      4) printf 'name: branch-%s\nrules:\n  - type: branch\n    source: "^[a-z0-9._/-]+$"\n    target: "^(main|release/.*|t%s)$"\n' "$i" "$i" ;;
      5) printf 'name: paths-%s\nrules:\n  - type: paths\n    forbid: [".gitlab-ci.yml", "deploy/**", "team-%s/**/Dockerfile"]\n' "$i" "$i" ;;
      6) printf 'name: draft-%s\nappliesTo:\n  projects: ["flightjs/*", %s]\nrules:\n  - type: draft\n' "$i" "$i" ;;
      7) printf 'name: size-%s\nrules:\n  - type: size\n    maxFiles: %s\n    maxLines: 1000\n' "$i" "$((50 + i))" ;;
      8) printf 'name: commits-%s\nrules:\n  - type: commits\n    maxCount: %s\n' "$i" "$((20 + i))" ;;
      9) printf 'name: author-%s\nrules:\n  - type: author\n    deny: [renovate-bot, bot-%s]\n' "$i" "$i" ;;
    esac > "$1/policy-$i.yaml"
  done
  "${SERVICE[@]}" validate "$1" > "$LOGS/validate-$2.out" 2>&1
}
if has policies; then
  for n in $POLICY_COUNTS; do
    if write_policies "$WORK/policies-$n" "$n"; then
      on_service "policies-$n" h2 POLICY_GATE_POLICIES_DIR="$WORK/policies-$n" -- e2e --events "$POLICY_EVENTS" \
        --rate "$POLICY_RATE" --warmup-events $((POLICY_RATE * WARMUP_SECONDS)) --burst-events "$POLICY_EVENTS"
    else
      log "the $n generated policies are invalid: $LOGS/validate-$n.out"
    fi
  done
fi

if has backlog; then
  for n in $BACKLOGS; do
    # Short breaker pauses and retry delays: the drain then measures policy-gate, not how long it waits to retry.
    on_service "backlog-$n" h2 POLICY_GATE_GITLAB_BREAKER_OPEN_FOR=1s POLICY_GATE_REPORT_MAX_BACKOFF=2s -- backlog \
      --jobs "$n" --rate "$BACKLOG_RATE" --seconds "$BACKLOG_SECONDS"
  done
fi

# ---------------------------------------------------------------- report

{
  echo "# policy-gate benchmark, $(date -u +%Y-%m-%d\ %H:%M) UTC"
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(java -version 2>&1 | head -1)"
  echo "- policy-gate: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo ' with uncommitted changes'), jar $SERVICE_JAR built $(date -u -r "$SERVICE_JAR" +%Y-%m-%d\ %H:%M) UTC"
  echo "- JVM options of policy-gate and the baseline: ${JVM_OPTS:-none}; policy-gate's AppCDS archive (APPCDS=$APPCDS):" \
    "$(if [ "$APPCDS" != 0 ]; then echo "used, as the image uses it"; else echo "not used"; fi); RUNS=$RUNS, QUICK=${QUICK:-0}"
  echo "- the load generator, the fake GitLab, PostgreSQL and the service share the machine"
  echo
} > "$OUT"
cat "$OUT"

if has startup; then
  start_baseline=$(median_of startup-baseline startup ready_ms); idle_baseline=$(median_of startup-baseline startup idle_rss_mib)
  start_h2=$(median_of startup-h2 startup ready_ms); idle_h2=$(median_of startup-h2 startup idle_rss_mib)
  load_baseline=$(res ack-baseline load rss_peak_mib); load_h2=$(res ack-h2 load rss_peak_mib)
  row "## Start-up and memory"
  row ""
  row "Start-up: from launching \`java -jar\` to \`/q/health/ready\` answering 200 (policy-gate: a fresh journal migrated,"
  row "policies loaded; the baseline checks nothing). Idle: RSS ${IDLE_SECONDS} s after ready. Under load: the highest RSS during"
  row "the acknowledgement runs below. Medians of $RUNS run(s)."
  row ""
  row "| | start-up (ms) | idle RSS (MiB) | RSS under load (MiB) |"
  row "|---|---|---|---|"
  row "| bare Quarkus baseline | $(f "$start_baseline") | $(f "$idle_baseline") | $(f "$load_baseline") |"
  row "| policy-gate, H2$(if [ "$APPCDS" != 0 ]; then echo ", AppCDS archive (as the image)"; fi) | $(f "$start_h2") | $(f "$idle_h2") | $(f "$load_h2") |"
  row "| ratio | $(ratio "$start_h2" "$start_baseline") | $(ratio "$idle_h2" "$idle_baseline") | $(ratio "$load_h2" "$load_baseline") |"
  if [ "$APPCDS" != 0 ]; then
    start_plain=$(median_of startup-h2-without-cds startup ready_ms); idle_plain=$(median_of startup-h2-without-cds startup idle_rss_mib)
    row "| policy-gate, H2, without the archive | $(f "$start_plain") | $(f "$idle_plain") | — |"
    row "| ratio | $(ratio "$start_plain" "$start_baseline") | $(ratio "$idle_plain" "$idle_baseline") | — |"
  fi
  row ""
fi

ack_cells() { # NAME: "p50 / p99" per rate, and the errors if any
  local cells="" rate errors
  for rate in $ACK_RATES; do
    errors=$(res "$1" "ack rate=$rate" errors)
    cells="$cells | $(ms "$(res "$1" "ack rate=$rate" p50_ms)") / $(ms "$(res "$1" "ack rate=$rate" p99_ms)")"
    [ "$errors" = 0 ] || [ "$errors" = — ] || cells="$cells ($errors errors)"
  done
  echo "$cells"
}
if has ack; then
  max_baseline=$(res max-baseline max-rate rate)
  row "## Webhook acknowledgement"
  row ""
  row "p50 / p99 in ms from when each signed, distinct webhook was due (open model: a fixed schedule whatever the"
  row "answers) to its 2xx; median of $RUNS run(s) of ${ACK_SECONDS} s per rate after a ${WARMUP_SECONDS} s warm-up. policy-gate's workers"
  row "evaluate and report the accepted jobs meanwhile, as in production. Max sustained: the highest rate (up by 25%"
  row "from $MAX_START/s, then bisecting) held for ${STEP_SECONDS} s with every answer a 2xx, ≥ 97% of the rate achieved and"
  row "p99 ≤ $MAX_P99_MS ms; in brackets what failed at the next step (ceiling: none failed up to $MAX_CEILING/s)."
  row ""
  header="| |"; rule="|---|"
  for rate in $ACK_RATES; do header="$header $(f "$rate") req/s |"; rule="$rule---|"; done
  row "$header max sustained (req/s) | ratio to baseline |"
  row "$rule---|---|"
  row "| bare Quarkus baseline$(ack_cells ack-baseline) | $(f "$max_baseline") ($(res max-baseline max-rate next_failed_by)) | 1.00 |"
  if [[ " $JOURNALS " == *" pg "* ]]; then
    max_durable=$(res max-durable max-rate rate)
    row "| durable baseline: the same after one INSERT committed to $(journal_name pg)$(ack_cells ack-durable) | $(f "$max_durable") ($(res max-durable max-rate next_failed_by)) | $(ratio "$max_durable" "$max_baseline") |"
  fi
  for journal in $JOURNALS; do
    max=$(res "max-$journal" max-rate rate)
    row "| policy-gate, $(journal_name "$journal")$(ack_cells "ack-$journal") | $(f "$max") ($(res "max-$journal" max-rate next_failed_by)) | $(ratio "$max" "$max_baseline") |"
  done
  if [[ " $JOURNALS " == *" pg "* ]]; then
    row ""
    row "policy-gate on $(journal_name pg) against the durable baseline (both store each webhook durably before the 202):"
    row "max sustained $(ratio "$(res max-pg max-rate rate)" "$max_durable")."
  fi
  lag=$(median $(for name in ack-baseline ack-durable ack-h2 ack-pg; do for rate in $ACK_RATES; do res "$name" "ack rate=$rate" lag_p99_ms; done; done))
  row ""
  row "Load generator wake-up lag p99 (how late its threads sent a request they were waiting for), median of the"
  row "rows above: $(ms "$lag" 2) ms. When it nears the latencies, the machine rather than the server set them."
  row ""
fi

if has e2e; then
  row "## End to end"
  row ""
  row "$(f "$E2E_EVENTS") distinct merge request events at $(f "$E2E_RATE")/s after a warm-up ($(f "$E2E_SLOW_EVENTS") at $(f "$E2E_SLOW_RATE")/s when GitLab is slow). Each evaluation reads the merge"
  row "request and its status checks from the fake GitLab (and the project, cached), then posts the verdict; the fake"
  row "GitLab answers every call after the latency of the row (0: at once) and records when each SHA's verdict"
  row "arrives. Latency: webhook due → verdict received, on one clock. Verdicts/s:"
  row "the pace they came at, first to last (at most the sending rate). Burst: as many more as fast as 32"
  row "connections send them; events/s = verdicts / (last verdict − first send), the capacity. Refused: webhooks not"
  row "answered 202; lost: answered 202 but no verdict; duplicates: a second 201 for one SHA. A fresh service and"
  row "journal per run; medians of $RUNS run(s), counts summed."
  row ""
  row "| journal | GitLab latency (ms) | verdicts/s (sending rate) | webhook-to-report p50 / p99 (ms) | refused, lost, duplicates | burst events/s | burst × instant | burst refused, lost | RSS peak (MiB) |"
  row "|---|---|---|---|---|---|---|---|---|"
  for latency in $E2E_LATENCIES; do
  for journal in $JOURNALS; do
    e2e=$(e2e_name "$journal" "$latency")
    if [ "$latency" = "$(first_word $E2E_LATENCIES)" ]; then
      eval "e2e_rate_$journal=$(median_of "$e2e" burst events_per_s)"
      eval "e2e_p99_$journal=$(median_of "$e2e" e2e p99_ms)"
      eval "e2e_lost_$journal=$(add "$(sum_of "$e2e" e2e lost)" "$(sum_of "$e2e" burst lost)" "$(sum_of "$e2e" e2e refused)" "$(sum_of "$e2e" burst refused)")"
    fi
    burst=$(median_of "$e2e" burst events_per_s)
    instant=$(median_of "$(e2e_name "$journal" 0)" burst events_per_s)
    if [ "$latency" != 0 ]; then
      eval "e2e_slow_share_$journal=$(ratio "$burst" "$instant")"
      # At the sending rate: an instant GitLab keeps up with it (its burst capacity is above it), so the pace a
      # slow one is kept at is compared with the sending rate.
      eval "e2e_slow_pace_$journal=$(ratio "$(median_of "$e2e" e2e verdicts_per_s)" "$(e2e_rate "$latency")")"
    fi
    row "| $(journal_name "$journal") | $latency | $(f "$(median_of "$e2e" e2e verdicts_per_s)" 1) ($(f "$(e2e_rate "$latency")")/s) | $(ms "$(median_of "$e2e" e2e p50_ms)") / $(ms "$(median_of "$e2e" e2e p99_ms)") | $(sum_of "$e2e" e2e refused), $(sum_of "$e2e" e2e lost), $(sum_of "$e2e" e2e duplicates) | $(f "$burst") | $(ratio "$burst" "$instant") | $(sum_of "$e2e" burst refused), $(sum_of "$e2e" burst lost) | $(f "$(median_of "$e2e" burst rss_peak_mib)") |"
  done
  done
  row ""
fi

if has budget; then
  row "## GitLab's API budget"
  row ""
  row "$(f "$BUDGET_EVENTS") merge request events in $BUDGET_SECONDS s against a GitLab that allows $(f "$BUDGET_LIMIT") calls a minute"
  row "(fixed clock-minute windows, RateLimit-* headers, 429 past the limit) and answers after $BUDGET_LATENCY_MS ms; the shipped"
  row "policies, whose protected-paths reads the changes; policy-gate on its defaults. Target (issue 33): every verdict"
  row "within GitLab's 120 s pending timeout, ≤ 1% of calls answered 429. Medians of $RUNS run(s), counts summed."
  row ""
  row "| journal | calls per verdict | answered 429 | time to verdict p50 / p95 / max (s) | later than 120 s or lost | within target |"
  row "|---|---|---|---|---|---|"
  budget_row() { # LABEL PREFIX
    local calls verdicts limited late share ok
    calls=$(sum_of "$2" e2e gitlab_calls)
    verdicts=$(sum_of "$2" e2e verdicts)
    limited=$(sum_of "$2" e2e gitlab_429)
    late=$(sum_of "$2" e2e over_120s)
    share=$(awk -v l="$limited" -v c="$calls" 'BEGIN { printf "%.2f", (c > 0 ? 100 * l / c : 0) }')
    ok=$(awk -v late="$late" -v share="$share" 'BEGIN { print (late == 0 && share <= 1) ? "yes" : "no" }')
    row "| $1 | $(awk -v c="$calls" -v v="$verdicts" 'BEGIN { printf "%.2f", (v > 0 ? c / v : 0) }') | $limited of $calls ($share %) | $(f "$(median_of "$2" e2e p50_ms | awk '{ print $1 / 1000 }')" 1) / $(f "$(median_of "$2" e2e p95_ms | awk '{ print $1 / 1000 }')" 1) / $(f "$(median_of "$2" e2e max_ms | awk '{ print $1 / 1000 }')" 1) | $late | $ok |"
  }
  for journal in $JOURNALS; do
    budget_row "$(journal_name "$journal")" "budget-$journal"
  done
  if [[ " $JOURNALS " == *" pg "* ]]; then
    budget_row "two replicas, $(journal_name pg)" budget-2-replicas
  fi
  row ""
fi

if has bot; then
  row "## A bot's burst"
  row ""
  row "$(f "$BOT_EVENTS") merge request events in $BOT_SECONDS s (a Renovate-style bot rebasing its merge requests), the fake GitLab"
  row "answering every call after $BOT_LATENCY_MS ms, on a fresh service and journal. Target (issue 19): the last verdict"
  row "reaches GitLab within 30 s of the last webhook, nothing lost or posted twice. Medians of $RUNS run(s), counts summed."
  row ""
  row "| journal | last verdict after the last webhook (s) | verdicts/s | webhook-to-report p50 / p99 (ms) | refused, lost, duplicates | within 30 s |"
  row "|---|---|---|---|---|---|"
  for journal in $JOURNALS; do
    tail_s=$(median_of "bot-$journal" e2e last_after_last_webhook_s)
    row "| $(journal_name "$journal") | $(f "$tail_s" 1) | $(f "$(median_of "bot-$journal" e2e verdicts_per_s)" 1) | $(ms "$(median_of "bot-$journal" e2e p50_ms)") / $(ms "$(median_of "bot-$journal" e2e p99_ms)") | $(sum_of "bot-$journal" e2e refused), $(sum_of "bot-$journal" e2e lost), $(sum_of "bot-$journal" e2e duplicates) | $(met "$tail_s" "<=" 30) |"
  done
  row ""
fi

if has policies; then
  row "## Cost of more policies (H2)"
  row ""
  row "Generated policies, all applying and passing: ticket, labels, title, CEL, branch, paths, draft, size, commits and"
  row "author rules in turn (paths, size, commits and author read the merge request from GitLab, at most once per"
  row "evaluation). $(f "$POLICY_EVENTS") events at $(f "$POLICY_RATE")/s, then $(f "$POLICY_EVENTS") in a burst, as end to end; one run."
  row ""
  row "| policies | ack p50 / p99 at $(f "$POLICY_RATE")/s (ms) | webhook-to-report p50 / p99 (ms) | burst events/s | refused, lost | RSS peak (MiB) |"
  row "|---|---|---|---|---|---|"
  for n in $POLICY_COUNTS; do
    name=policies-$n
    row "| $n | $(ms "$(res "$name" e2e ack_p50_ms)") / $(ms "$(res "$name" e2e ack_p99_ms)") | $(ms "$(res "$name" e2e p50_ms)") / $(ms "$(res "$name" e2e p99_ms)") | $(f "$(res "$name" burst events_per_s)") | $(add "$(res "$name" e2e refused)" "$(res "$name" burst refused)"), $(add "$(res "$name" e2e lost)" "$(res "$name" burst lost)") | $(f "$(res "$name" burst rss_peak_mib)") |"
  done
  row ""
fi

if has backlog; then
  row "## Cost of a backlog (H2)"
  row ""
  row "The jobs are sent on 16 connections as fast as they are taken while the fake GitLab answers every report 503, so"
  row "the circuit breaker keeps them queued in the journal; then intake at $(f "$BACKLOG_RATE")/s for ${BACKLOG_SECONDS} s with that backlog;"
  row "then GitLab answers 201 again. Drain: verdicts/s from the first verdict after the recovery to the last. One run."
  row ""
  row "| queued jobs | filled at (jobs/s) | RSS with the backlog (MiB) | ack p50 / p99 at $(f "$BACKLOG_RATE")/s (ms) | first verdict after recovery (s) | drain (verdicts/s) | lost |"
  row "|---|---|---|---|---|---|---|"
  for n in $BACKLOGS; do
    name=backlog-$n
    row "| $(f "$(res "$name" backlog jobs)") | $(f "$(res "$name" backlog fill_per_s)") | $(f "$(res "$name" backlog rss_mib)") | $(ms "$(res "$name" backlog ack_p50_ms)") / $(ms "$(res "$name" backlog ack_p99_ms)") | $(f "$(res "$name" backlog first_verdict_s)" 1) | $(f "$(res "$name" backlog drain_per_s)") | $(res "$name" backlog lost) |"
  done
  row ""
fi

row "## Targets (issues 7 and 19)"
row ""
row "| target | measured | met |"
row "|---|---|---|"
for journal in $JOURNALS; do
  if has ack && [[ " $ACK_RATES " == *" 500 "* ]]; then
    p99=$(res "ack-$journal" "ack rate=500" p99_ms)
    row "| webhook p99 at 500 req/s ≤ 20 ms, $(journal_name "$journal") | $(ms "$p99") ms | $(met "$p99" "<=" 20) |"
  fi
  if has ack; then
    share=$(ratio "$(res "max-$journal" max-rate rate)" "$(res max-baseline max-rate rate)")
    row "| max sustained rate ≥ 50% of the baseline's, $(journal_name "$journal") | $share | $(met "$share" ">=" 0.5) |"
  fi
  if has e2e; then
    eval "rate=\$e2e_rate_$journal p99=\$e2e_p99_$journal lost=\$e2e_lost_$journal"
    row "| end to end ≥ 1,000 events/s (burst), $(journal_name "$journal") | $(f "$rate") | $(met "$rate" ">=" 1000) |"
    row "| end to end p99 ≤ 1 s at $(f "$E2E_RATE")/s, $(journal_name "$journal") | $(ms "$p99") ms | $(met "$p99" "<=" 1000) |"
    row "| end to end: 0 lost (refused + lost), $(journal_name "$journal") | $lost | $(met "$lost" "==" 0) |"
    eval "share=\${e2e_slow_share_$journal:-—}"
    row "| issue 19: burst with a slow GitLab ≥ 0.8× the instant one, $(journal_name "$journal") | $share | $(met "$share" ">=" 0.8) |"
    eval "pace=\${e2e_slow_pace_$journal:-—}"
    row "| issue 19: verdicts/s with a slow GitLab at $(f "$E2E_SLOW_RATE")/s ≥ 0.8× that rate (an instant GitLab keeps up with it), $(journal_name "$journal") | $pace | $(met "$pace" ">=" 0.8) |"
  fi
  if has bot; then
    tail_s=$(median_of "bot-$journal" e2e last_after_last_webhook_s)
    row "| issue 19: a bot's last verdict ≤ 30 s after its last webhook, $(journal_name "$journal") | $(f "$tail_s" 1) s | $(met "$tail_s" "<=" 30) |"
  fi
done
if has startup; then
  row "| start-up ≤ 1.5× the baseline's | $(ratio "$start_h2" "$start_baseline")× | $(met "$(ratio "$start_h2" "$start_baseline")" "<=" 1.5) |"
  row "| idle RSS ≤ 1.5× the baseline's | $(ratio "$idle_h2" "$idle_baseline")× | $(met "$(ratio "$idle_h2" "$idle_baseline")" "<=" 1.5) |"
  row "| start-up ≤ 2× the baseline's (issue 19) | $(ratio "$start_h2" "$start_baseline")× | $(met "$(ratio "$start_h2" "$start_baseline")" "<=" 2) |"
  row "| idle RSS ≤ 2× the baseline's (issue 19) | $(ratio "$idle_h2" "$idle_baseline")× | $(met "$(ratio "$idle_h2" "$idle_baseline")" "<=" 2) |"
fi
row ""
errors=$(cat "$LOGS"/*.out | sed -n 's/^RESULT log errors=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
warnings=$(cat "$LOGS"/*.out | sed -n 's/^RESULT log .*warnings=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
row "Service logs: $errors errors and $warnings warnings over all runs (\`grep -h '^service log' $LOGS/*.out\`)."
row "Policy evaluation alone (JMH, one thread): \`bench/run-jmh.sh\`."
log "written to $OUT; every output in $LOGS"
