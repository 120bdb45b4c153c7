# jmp — Python's multiprocessing for Java on Linux.
#   make demo    build and run the tutorial programs
#   make test    build and run the test suite
#   make stress  the heavy tests (tagged "stress") on top of the suite
#   make bench   benchmarks: C baseline, JMH, CPython (make bench-quick: under 3 minutes)
#   make clean

MVN     ?= mvn
MVNFLAGS ?= -q -B -Dstyle.color=never
JAVA    ?= java
CC      ?= gcc
CFLAGS  ?= -O2 -Wall -Wextra

# The demo runs from the jar: a JDK can archive (class-data sharing) only a classpath of jars.
CP = $(wildcard target/jmp-*.jar):$(shell cat target/classpath.txt 2>/dev/null)
NATIVE_SRC = $(wildcard native/*.c)
NATIVE_BIN = $(patsubst native/%.c,target/native/%,$(NATIVE_SRC))

.PHONY: build test stress demo bench clean native

# One closing line for the whole suite, from surefire's reports ("N passed, N failed, N skipped"):
# the core's and the cluster module's.
SUMMARY = cat target/surefire-reports/TEST-*.xml $(wildcard cluster/target/surefire-reports/TEST-*.xml) | grep -o '<testsuite [^>]*>' | \
	sed -E 's/.* tests="([0-9]+)" errors="([0-9]+)" skipped="([0-9]+)" failures="([0-9]+)".*/\1 \2 \3 \4/' | \
	awk '{t+=$$1; e+=$$2; s+=$$3; f+=$$4} END {printf "%d passed, %d failed, %d skipped\n", t-e-s-f, e+f, s}'

# The cluster module (cluster/, dev.jmp:jmp-cluster) is a Maven project of its own that
# depends on the core as installed in the local repository (its jar and its test jar,
# for TaskPoolContract): the core is installed first, then the module is built.
CLUSTER = $(MVN) $(MVNFLAGS) -f cluster/pom.xml

build: native
	$(MVN) $(MVNFLAGS) -DskipTests install
	$(CLUSTER) -DskipTests package

native: $(NATIVE_BIN)

target/native/%: native/%.c
	@mkdir -p target/native
	$(CC) $(CFLAGS) -o $@ $< -lpthread -lrt

test: native
	@rm -rf target/surefire-reports cluster/target/surefire-reports
	$(MVN) $(MVNFLAGS) install
	$(CLUSTER) test
	@echo; $(SUMMARY)

stress: native
	@rm -rf target/surefire-reports
	$(MVN) $(MVNFLAGS) test -Dtest.excludedGroups= -Dtest.groups=
	@echo; $(SUMMARY)

demo: build
	@echo "== tutorial 1: threads vs processes =="
	@$(JAVA) -cp "$(CP)" dev.jmp.examples.ThreadsVsProcesses
	@echo "== tutorial 2: Pipe =="
	@$(JAVA) -cp "$(CP)" dev.jmp.examples.PipeDemo
	@echo "== tutorial 3: Queue =="
	@$(JAVA) -cp "$(CP)" dev.jmp.examples.QueueDemo
	@echo "== tutorial 4: Pool =="
	@$(JAVA) -cp "$(CP)" dev.jmp.examples.PoolDemo

# bench: C baseline, JMH and CPython back to back, one table (benchmarks/run.sh);
# bench-quick: the same with fewer samples and forks (under 3 minutes).
# The bench_* programs are rebuilt every time: they share native/bench.h, which the
# pattern rule above does not know about.
BENCH_NATIVE = $(filter target/native/bench_%,$(NATIVE_BIN))
.PHONY: bench-quick

bench: native
	$(MAKE) --no-print-directory -B $(BENCH_NATIVE)
	$(MVN) $(MVNFLAGS) -Pbench -DskipTests install
	$(CLUSTER) -Pbench -DskipTests package
	benchmarks/run.sh full

bench-quick: native
	$(MAKE) --no-print-directory -B $(BENCH_NATIVE)
	$(MVN) $(MVNFLAGS) -Pbench -DskipTests install
	$(CLUSTER) -Pbench -DskipTests package
	benchmarks/run.sh quick

clean:
	$(MVN) $(MVNFLAGS) clean
	$(CLUSTER) clean
