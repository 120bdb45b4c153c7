#!/usr/bin/env bash
# make bench / make bench-quick: the C baseline, the JMH benchmarks and CPython's
# multiprocessing, back to back in one run, then one table (stdout) and
# benchmarks/results/bench-<date>-<mode>.{md,svg} (+ latest.md, latest.svg).
#
#   benchmarks/run.sh [quick|full]
#
# To check the wiring on a few rows (numbers from it mean nothing): BENCH narrows JMH
# (a JMH regex), ONLY the C and CPython sides (a substring of their ids), JMH_EXTRA
# adds JMH options, e.g.
#   BENCH='ProcessBench\.startJoin' ONLY=start_join JMH_EXTRA='-wi 1 -i 3' benchmarks/run.sh quick
#
# Expects what the Makefile builds first: target/native/bench_* (gcc -O2) and
# target/jmp-*.jar, the benchmarks' own target/bench/jmp-*-bench.jar and
# target/classpath.txt from `mvn -Pbench -DskipTests package`. Jars, not
# target/classes: children run as they do when deployed, with a class-data-sharing archive, which a JDK makes only for
# a classpath of jars (a directory costs a spawned child ~10 ms more).
# JMH runs every benchmark on $JAVA (default: java on PATH), then the process and pool
# start benchmarks again on a second JDK, parent and children both on it: $JAVA2 if set
# (empty: none), else the newest /usr/lib/jvm/temurin-25* or later found. Start-up is
# what a JDK changes most (JDK 24+ children start from an AOT cache); each of those
# rows is labelled with its JDK.
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
# shellcheck disable=SC2206
JMH_OPTS+=(${JMH_EXTRA:-})
ONLY_OPTS=()
[ -n "${ONLY:-}" ] && ONLY_OPTS=(--only "$ONLY")
JAVA=${JAVA:-java}
RUN=target/bench/run
JAR=$(ls target/jmp-*.jar 2>/dev/null | head -1)
BENCH_JAR=$(ls target/bench/jmp-*-bench.jar 2>/dev/null | head -1)
if [ -z "$JAR" ] || [ -z "$BENCH_JAR" ] || ! "$JAVA" -cp "$BENCH_JAR:$JAR" dev.jmp.bench.Hello >/dev/null 2>&1; then
  echo "run.sh: no benchmark jar beside $JAR: build it with mvn -Pbench -DskipTests package" >&2
  exit 2
fi
CP="$BENCH_JAR:$JAR:$(cat target/classpath.txt)"

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
  "$b" $QUICK ${ONLY_OPTS[@]+"${ONLY_OPTS[@]}"} >> "$RUN/c.jsonl" 2>> "$RUN/c.err" || echo "   $b failed (see $RUN/c.err)"
done

# ---- JMH ----------------------------------------------------------------------------
# The benchmarks to run (a regex, JMH's): everything by default; BENCH narrows it for a
# quick check of the wiring, e.g. BENCH='ProcessBench\.startJoin'.
ALL=${BENCH:-'dev\.jmp\.bench\..*'}
START_ROWS='dev\.jmp\.bench\.(ProcessBench\..*|PoolBench\.creationToFirstResult)'
if [ -z "${JAVA2+set}" ]; then
  JAVA2=$( (ls -d /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/temurin-[3-9][0-9]* 2>/dev/null || true) | sort -V | tail -1)
  [ -n "$JAVA2" ] && JAVA2=$JAVA2/bin/java
fi
feature() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

# jmh <java> <regex> <json>: one JMH run; children run on the same JDK as the JMH forks
# (jmp.java follows java.home). JDK 24+ asks a program that binds native functions
# (jnr's stub) for these two options, else it prints warnings in the log.
jmh() {
  local java=$1 regex=$2 json=$3 log=${3%.json}.log opts=() args=()
  if [ "$(feature "$java")" -ge 24 ]; then
    opts=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
    args=(-jvmArgsAppend "${opts[*]}")
  fi
  # Untimed: the first child makes the start-up archive (an AOT cache on 24+) in the
  # background and waits for it, so no sample runs while it is being made.
  "$java" ${opts[@]+"${opts[@]}"} -cp "$CP" dev.jmp.bench.ChildStart 0 > /dev/null 2>> "$log" \
    || echo "   start-up archive not made in advance (see $log)"
  # A failing benchmark does not stop the others (JMH's default); its row shows "—".
  if ! "$java" ${opts[@]+"${opts[@]}"} -cp "$CP" org.openjdk.jmh.Main "$regex" ${JMH_OPTS[@]+"${JMH_OPTS[@]}"} ${args[@]+"${args[@]}"} \
        -rf json -rff "$json" >> "$log" 2>&1; then
    echo "   JMH exited with an error (see $log)"
  fi
  grep -E '^(Benchmark|[A-Z][A-Za-z]+Bench\.)' "$log" | sed 's/^/   /' || true
  grep -E '<failure>|Exception' "$log" | sort | uniq -c | head -5 | sed 's/^/   /' || true
}

step "JMH: $ALL on $("$JAVA" -version 2>&1 | head -1) (log: $RUN/jmh.log)"
jmh "$JAVA" "$ALL" "$RUN/jmh.json"
if [ -n "$JAVA2" ] && [ -x "$JAVA2" ]; then
  F2=$(feature "$JAVA2")
  if [ "$F2" != "$(feature "$JAVA")" ]; then
    REGEX=${BENCH:-$START_ROWS}
    step "JMH: the start rows on $("$JAVA2" -version 2>&1 | head -1) (log: $RUN/jmh-jdk$F2.log)"
    jmh "$JAVA2" "$REGEX" "$RUN/jmh-jdk$F2.json"
  fi
else
  echo "   no second JDK (JAVA2, or /usr/lib/jvm/temurin-25*): start rows on $JAVA only"
fi

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
  "$PYBIN" benchmarks/python/mp_bench.py $QUICK ${ONLY_OPTS[@]+"${ONLY_OPTS[@]}"} > "$RUN/py.jsonl" 2> "$RUN/py.err" \
    || echo "   CPython side failed (see $RUN/py.err)"
else
  echo "   python3 not found: the CPython column is skipped"
  echo "python3 not found on PATH" > "$RUN/py-skipped.txt"
fi

# ---- table --------------------------------------------------------------------------
step "Report (measured in ${SECONDS}s)"
"$JAVA" -cp "$CP" dev.jmp.bench.report.Report "$RUN" benchmarks/results "$MODE"
