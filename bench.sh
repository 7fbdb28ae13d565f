#!/usr/bin/env bash
# Runs the benchmark suite against a real broker in a child process and writes
# docs/benchmarks.md and docs/benchmarks.json. 25–40 minutes on 2 cores, depending on load.
#   ./bench.sh                 the full suite
#   ./bench.sh --only 1,2      some figures (1–14; 8 = content filters, 9 = the router's cost by step,
#                              10 = 1,000 endpoints in the router, 11 = end to end with the four sample endpoints,
#                              12 = CloudEvents vs as-is, 13 = 100 connectors on one worker,
#                              14 = Entra ID vs keys, both over TLS)
#   ./bench.sh --jfr           also record the router runs with JFR (benchmarks/target/bench-work/...)
#   ./bench.sh --smoke --out /tmp/b   tiny sizes, proves the harness
# Set BENCH_SKIP_BUILD=1 to reuse the jars already built.
set -euo pipefail
cd "$(dirname "$0")"
# Everything is built and resolved in this checkout's reactor (-am), nothing is installed into ~/.m2:
# the suite never runs (or overwrites) another checkout's snapshots of our modules.
if [[ "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
  # the router jar, the plugin directory, local-stack/target/lib (broker and Connect) and the suite
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
fi
# The compile phase makes Maven resolve our modules to their target/classes (with no phase it would
# take ~/.m2's); maven.main.skip: compiling is the build step's job.
./mvnw -B -q -pl benchmarks -am compile -Dmaven.main.skip=true \
  dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
exec java -Xmx2g -Dlog4j2.configurationFile=benchmarks/src/main/resources/bench-log4j2.properties \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.classpath)" io.twinegress.bench.Suite "$@"
