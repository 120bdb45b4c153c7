#!/usr/bin/env bash
# Child start-up under different start-up archives and child JVM options, in one
# sitting: batches of each configuration alternate, so a change in the machine's load
# hits them all alike. Prints, per configuration, the median and min-max of
# Process start+join (empty target), of Process() to the target's first line, and of
# the CPU time a child used (per batch: user + system of its children, per child),
# and of Pool(2) creation to a first result with the CPU its two workers used.
#
#   benchmarks/child-start.sh [rounds] [samples per batch]      (default 5 x 5)
#   ONLY='^25 (none|AOT cache)$' benchmarks/child-start.sh 8 6  (some configurations)
#
# Needs the bench jar (mvn -Pbench -DskipTests package). Archives go to a cache
# directory of their own (target/bench/child-start-cds), made untimed by each
# configuration's first batch. Edit CONFIGS below to compare other options.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
SAMPLES=${2:-5}
JAR=$(ls target/jmp-*.jar | head -1)
CP="$JAR:$(cat target/classpath.txt)"
CACHE=$PWD/target/bench/child-start-cds
J17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
J25=$( (ls -d /usr/lib/jvm/temurin-25* 2>/dev/null || true) | sort -V | tail -1)
OUT=target/bench/child-start
mkdir -p "$OUT" "$CACHE"
rm -f "$OUT"/*.txt

# name | java home | parent JVM options
CONFIGS=(
  "17 none|$J17|-Djmp.cds=false"
  "17 dynamic CDS|$J17|"
)
if [ -n "$J25" ]; then
  CONFIGS+=(
    "25 none|$J25|-Djmp.cds=false"
    "25 dynamic CDS|$J25|-Djmp.cds.aot=false"
    "25 AOT cache|$J25|"
    "25 AOT + TieredStopAtLevel=1|$J25|-Djmp.childJvmOptions=-XX:TieredStopAtLevel=1"
    "25 AOT + SerialGC|$J25|-Djmp.childJvmOptions=-XX:+UseSerialGC"
    "25 AOT + both|$J25|-Djmp.childJvmOptions=-XX:TieredStopAtLevel=1_-XX:+UseSerialGC"
    "25 AOT + jmp.childLateC2|$J25|-Djmp.childLateC2=true"
  )
fi
# ONLY (a grep -E regex) keeps the configurations whose name matches.
if [ -n "${ONLY:-}" ]; then
  kept=()
  for c in "${CONFIGS[@]}"; do
    if grep -qE "$ONLY" <<< "${c%%|*}"; then kept+=("$c"); fi
  done
  CONFIGS=("${kept[@]}")
fi

for ((r = 1; r <= ROUNDS; r++)); do
  for c in "${CONFIGS[@]}"; do
    IFS='|' read -r name home opts <<< "$c"
    extra=()
    [ -n "$opts" ] && extra+=("${opts//_/ }")
    if [ "$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')" -ge 24 ]; then
      extra+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
    fi
    "$home/bin/java" -Djmp.cds.dir="$CACHE" "${extra[@]}" -cp "$CP" dev.jmp.bench.ChildStart "$SAMPLES" \
      >> "$OUT/${name// /_}.txt"
  done
  echo "round $r of $ROUNDS done" >&2
done

for c in "${CONFIGS[@]}"; do
  name=${c%%|*}
  f="$OUT/${name// /_}.txt"
  for what in startJoin firstLine childCpu poolFirst poolCpu; do
    grep "^$what " "$f" | cut -d' ' -f2- | tr ' ' '\n' | sort -g | awk -v n="$name" -v w="$what" '
      { v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
        printf "%-32s %-10s median %6.1f ms  min %6.1f  max %6.1f  (n=%d)\n", n, w, m, v[1], v[NR], NR }'
  done
done
