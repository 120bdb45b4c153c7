#!/usr/bin/env bash
# make bench / make bench-quick: the C baseline, the JMH benchmarks and CPython's
# multiprocessing, back to back in one run, then one table (stdout) and
# benchmarks/results/bench-<date>-<mode>.{md,svg} (+ latest.md, latest.svg).
#
#   benchmarks/run.sh [quick|full]
#
# Expects what the Makefile builds first: target/native/bench_* (gcc -O2) and
# target/jmp-*.jar (with the benchmarks in it) + target/classpath.txt from
# `mvn -Pbench -DskipTests package`. The jar, not target/classes: children run as
# they do when deployed, with a class-data-sharing archive, which a JDK makes only for
# a classpath of jars (a directory costs a spawned child ~10 ms more).
# The table and chart are made by dev.jmp.bench.report.Report (Java, no extra
# dependency). python3 is only needed for the CPython column: without it that column
# is skipped with a note, and everything else runs.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-full}
case "$MODE" in
  quick) QUICK=--quick; JMH_OPTS=(-f 1 -w 200ms -r 200ms) ;;
  full)  QUICK=;        JMH_OPTS=() ;;
  *) echo "usage: $0 [quick|full]" >&2; exit 2 ;;
esac
JAVA=${JAVA:-java}
RUN=target/bench/run
JAR=$(ls target/jmp-*.jar 2>/dev/null | head -1)
if [ -z "$JAR" ] || ! "$JAVA" -cp "$JAR" dev.jmp.bench.Hello >/dev/null 2>&1; then
  echo "run.sh: $JAR has no benchmarks in it: build it with mvn -Pbench -DskipTests package" >&2
  exit 2
fi
CP="$JAR:$(cat target/classpath.txt)"

# One run directory, emptied first: the report never mixes numbers from two runs.
rm -rf "$RUN"
mkdir -p "$RUN"
date -Iseconds > "$RUN/started.txt"
cat /proc/loadavg > "$RUN/loadavg.txt" 2>/dev/null || true
command -v taskset >/dev/null || echo "run.sh: taskset is missing: the Java two-process rows will fail (the C and Python sides pin themselves)" >&2

step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
SECONDS=0

# ---- C ------------------------------------------------------------------------------
step "C baseline: target/native/bench_*"
: > "$RUN/c.jsonl"
for b in target/native/bench_*; do
  [ -x "$b" ] || continue
  echo "   $b"
  "$b" $QUICK >> "$RUN/c.jsonl" 2>> "$RUN/c.err" || echo "   $b failed (see $RUN/c.err)"
done

# ---- JMH ----------------------------------------------------------------------------
step "JMH: dev.jmp.bench (log: $RUN/jmh.log)"
# A failing benchmark does not stop the others (JMH's default); its row shows "—".
if ! "$JAVA" -cp "$CP" org.openjdk.jmh.Main 'dev\.jmp\.bench\..*' ${JMH_OPTS[@]+"${JMH_OPTS[@]}"} \
      -rf json -rff "$RUN/jmh.json" > "$RUN/jmh.log" 2>&1; then
  echo "   JMH exited with an error (see $RUN/jmh.log)"
fi
grep -E '^(Benchmark|[A-Z][A-Za-z]+Bench\.)' "$RUN/jmh.log" | sed 's/^/   /' || true
grep -E '<failure>|Exception' "$RUN/jmh.log" | sort | uniq -c | head -5 | sed 's/^/   /' || true

# ---- ClusterPool (cluster/, issue 22) --------------------------------------------------
# Its own jar and classpath (Hazelcast is not on the core's); results beside the core's.
CJAR=$(ls cluster/target/jmp-cluster-*.jar 2>/dev/null | head -1 || true)
if [ -n "$CJAR" ] && [ -f cluster/target/classpath.txt ]; then
  step "JMH: dev.jmp.cluster.bench (log: $RUN/jmh-cluster.log)"
  if ! "$JAVA" -cp "$CJAR:$(cat cluster/target/classpath.txt)" org.openjdk.jmh.Main 'dev\.jmp\.cluster\.bench\..*' \
        ${JMH_OPTS[@]+"${JMH_OPTS[@]}"} -rf json -rff "$RUN/jmh-cluster.json" > "$RUN/jmh-cluster.log" 2>&1; then
    echo "   JMH exited with an error (see $RUN/jmh-cluster.log)"
  fi
  grep -E '^(Benchmark|ClusterBench\.)' "$RUN/jmh-cluster.log" | sed 's/^/   /' || true
fi

# ---- CPython ------------------------------------------------------------------------
step "CPython: benchmarks/python/mp_bench.py"
if PY=$(command -v python3) && REAL=$("$PY" -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -n "$REAL" ]; then
  # The real binary, not a launcher shim (pyenv's adds ~100 ms per start), in a clean
  # venv: site-packages of the base interpreter may hold .pth files that import
  # modules into every child (FACTS.md: spawn 70 ms instead of 42).
  VENV=target/bench/venv
  if [ ! -x "$VENV/bin/python3" ] || ! grep -qF "$(dirname "$REAL")" "$VENV/pyvenv.cfg" 2>/dev/null; then
    rm -rf "$VENV"
    "$REAL" -m venv --without-pip "$VENV" 2>> "$RUN/py.err" || true
  fi
  PYBIN=$REAL
  [ -x "$VENV/bin/python3" ] && PYBIN=$VENV/bin/python3
  echo "   $PYBIN (base $REAL)"
  "$PYBIN" benchmarks/python/mp_bench.py $QUICK > "$RUN/py.jsonl" 2> "$RUN/py.err" \
    || echo "   CPython side failed (see $RUN/py.err)"
else
  echo "   python3 not found: the CPython column is skipped"
  echo "python3 not found on PATH" > "$RUN/py-skipped.txt"
fi

# ---- table --------------------------------------------------------------------------
step "Report (measured in ${SECONDS}s)"
"$JAVA" -cp "$CP" dev.jmp.bench.report.Report "$RUN" benchmarks/results "$MODE"
