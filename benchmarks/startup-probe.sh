#!/usr/bin/env bash
# The README's start-up table for the native backends: whole-process CPU time
# (user+sys) and wall time of a fresh JVM, median of N alternating runs, for
#   hello     java Hello, jmp's jars on the class path
#   jni       Posix.libc().getpid() on libjmp, loaded from the jar (as a parent does)
#   jnichild  the same with -Djmp.posix.library (as a spawned child does)
#   jnr       the same on jnr-ffi (-Djmp.posix=jnr)
# usage: benchmarks/startup-probe.sh [JAVA] [N]   (after make build)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${1:-java}; N=${2:-10}
CP="$(realpath target/jmp-*.jar):$(cat target/classpath.txt)"
WORK=target/startup-probe
mkdir -p "$WORK"
cat > "$WORK/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
cat > "$WORK/Probe.java" <<'JAVA'
public class Probe { public static void main(String[] a) { System.out.println(dev.jmp.posix.Posix.libc().getpid()); } }
JAVA
"$(dirname "$(realpath "$(command -v "$JAVA")")")/javac" --release 17 -cp "$CP" -d "$WORK" "$WORK/Hello.java" "$WORK/Probe.java"
FLAGS="--enable-native-access=ALL-UNNAMED"
if "$JAVA" -version 2>&1 | grep -q 'version "2[3-9]'; then FLAGS="$FLAGS --sun-misc-unsafe-memory-access=allow"; fi
"$JAVA" $FLAGS -cp "$WORK:$CP" Probe >/dev/null      # extracts libjmp into the cache once
LIB=$(ls -t "${XDG_CACHE_HOME:-$HOME/.cache}"/jmp/native/*/libjmp.so | head -1)
declare -A wall cpu
TIMEFORMAT='%R %U %S'
one() {
  local k=$1; shift
  local r; r=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
  set -- $r
  wall[$k]+="$(awk -v a="$1" 'BEGIN{printf "%d", a*1000}') "
  cpu[$k]+="$(awk -v a="$2" -v b="$3" 'BEGIN{printf "%d", (a+b)*1000}') "
}
med() { echo $1 | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for _ in $(seq "$N"); do
  one hello "$JAVA" $FLAGS -cp "$WORK:$CP" Hello
  one jni "$JAVA" $FLAGS -Djmp.posix=jni -cp "$WORK:$CP" Probe
  one jnichild "$JAVA" $FLAGS -Djmp.posix=jni -Djmp.posix.library="$LIB" -cp "$WORK:$CP" Probe
  one jnr "$JAVA" $FLAGS -Djmp.posix=jnr -cp "$WORK:$CP" Probe
done
"$JAVA" -version 2>&1 | head -1
for k in hello jni jnichild jnr; do
  echo "$k: cpu median $(med "${cpu[$k]}") ms, wall median $(med "${wall[$k]}") ms"
done
