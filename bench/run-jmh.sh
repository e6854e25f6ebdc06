#!/usr/bin/env bash
# Policy evaluation throughput (JMH), single thread = per core. Usage: bench/run-jmh.sh [extra JMH options]
# Prints JMH's table; "Score" is evaluations per second.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main \
  PolicyEvaluationBenchmark -f 1 -t 1 -wi 3 -w 2s -i 5 -r 3s "$@"
