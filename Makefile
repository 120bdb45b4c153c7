# jmp — Python's multiprocessing for Java on Linux.
#   make demo    build and run the tutorial programs
#   make example NAME=PipeDemo   one tutorial program
#   make trace NAME=UnderTheHood   its system calls (strace)
#   make docs    the tutorial (docs/tutorial): program blocks from examples/, pictures from real runs
#   make test    build, check the javadoc (mvn javadoc:javadoc), run the test suite
#   make stress  the heavy tests (tagged "stress") on top of the suite
#   make bench   benchmarks: C baseline, JMH, CPython (make bench-quick: under 3 minutes)
#   make clean

MVN     ?= mvn
MVNFLAGS ?= -q -B -Dstyle.color=never
JAVA    ?= java
CC      ?= gcc
CFLAGS  ?= -O2 -Wall -Wextra

# The demo runs from jars: a JDK can archive (class-data sharing) only a classpath of jars.
# The tutorial's programs (examples/) are a jar of their own, not part of the library.
CP = $(wildcard target/jmp-*.jar):$(shell cat target/classpath.txt 2>/dev/null)
DEMO_CP = $(wildcard target/examples/jmp-*-examples.jar):$(CP)
# native/*.c: one C program each (the bench baselines); native/libjmp/: the library.
NATIVE_SRC = $(wildcard native/*.c)
NATIVE_BIN = $(patsubst native/%.c,target/native/%,$(NATIVE_SRC))
# libjmp.so, jmp's JNI library, and jmp-tracker, the resource tracker (a small C
# program), go among the classes under their platform folder (linux-x86_64,
# linux-aarch64), so that the jar carries them and a run from target/classes finds
# them (see dev.jmp.posix.NativeFiles). JNI headers from the JDK whose javac is on the PATH.
JAVA_HOME ?= $(patsubst %/bin/javac,%,$(realpath $(shell command -v javac)))
PLATFORM = linux-$(shell uname -m)
TRACKER = target/classes/dev/jmp/native/$(PLATFORM)/jmp-tracker
LIBJMP_SRC = $(wildcard native/libjmp/*.c)
LIBJMP = target/classes/dev/jmp/native/$(PLATFORM)/libjmp.so
# The demo's JVMs load libjmp: JDK 24+ warns about System.load without this (JDK 17 accepts it).
JVMFLAGS = --enable-native-access=ALL-UNNAMED

.PHONY: build test stress demo docs example trace bench clean native libjmp tracker

# Maven itself (its guava) calls sun.misc.Unsafe, which JDK 24+ reports on stderr;
# JDK 17 would refuse the option that allows it.
JAVA_FEATURE := $(shell $(JAVA) -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
ifeq ($(shell [ "$(JAVA_FEATURE)" -ge 23 ] 2>/dev/null && echo new),new)
export MAVEN_OPTS += --sun-misc-unsafe-memory-access=allow
endif

# One closing line for the whole suite, from surefire's reports ("N passed, N failed, N skipped"):
# the core's and the cluster module's (listed by the shell when the line runs: make expands
# a recipe before its first line, when the cluster's reports do not exist yet).
SUMMARY = cat target/surefire-reports/TEST-*.xml $$(ls cluster/target/surefire-reports/TEST-*.xml 2>/dev/null) | grep -o '<testsuite [^>]*>' | \
	sed -E 's/.* tests="([0-9]+)" errors="([0-9]+)" skipped="([0-9]+)" failures="([0-9]+)".*/\1 \2 \3 \4/' | \
	awk '{t+=$$1; e+=$$2; s+=$$3; f+=$$4} END {printf "%d passed, %d failed, %d skipped\n", t-e-s-f, e+f, s}'

# The cluster module (cluster/, dev.jmp:jmp-cluster) is a Maven project of its own that
# depends on the core as installed in the local repository (its jar and its test jar,
# for TaskPoolContract): the core is installed first, then the module is built.
CLUSTER = $(MVN) $(MVNFLAGS) -f cluster/pom.xml

build: native
	$(MVN) $(MVNFLAGS) -DskipTests install
	$(CLUSTER) -DskipTests package

native: $(NATIVE_BIN) $(LIBJMP) $(TRACKER)

# Also run by Maven (exec plugin, process-resources), so that "mvn test" alone builds it.
libjmp: $(LIBJMP)

$(LIBJMP): $(LIBJMP_SRC) native/libjmp/jmp.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -shared -I"$(JAVA_HOME)/include" -I"$(JAVA_HOME)/include/linux" -o $@ $(LIBJMP_SRC)

tracker: $(TRACKER)

$(TRACKER): native/tracker/jmp_tracker.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -lrt

target/native/%: native/%.c
	@mkdir -p target/native
	$(CC) $(CFLAGS) -o $@ $< -lpthread -lrt

# The core's javadoc goes first (mvn javadoc:javadoc fails on any warning in the public
# API: see pom.xml), then the suite; the cluster module's javadoc needs the core installed.
# The module's jar is made before its tests: ClusterCommandTest runs bin/jmp, which runs
# the jars (target/jmp-*.jar, which install made, and the module's), not the classes.
test: native
	@rm -rf target/surefire-reports cluster/target/surefire-reports
	$(MVN) $(MVNFLAGS) javadoc:javadoc
	$(MVN) $(MVNFLAGS) install
	$(CLUSTER) -DskipTests package javadoc:javadoc
	$(CLUSTER) test
	@echo; $(SUMMARY)

stress: native
	@rm -rf target/surefire-reports
	$(MVN) $(MVNFLAGS) test -Dtest.excludedGroups= -Dtest.groups=
	@echo; $(SUMMARY)

demo: build
	@echo "== tutorial 1: threads vs processes =="
	@$(JAVA) $(JVMFLAGS) -cp "$(DEMO_CP)" dev.jmp.examples.ThreadsVsProcesses
	@echo "== tutorial 2: Pipe =="
	@$(JAVA) $(JVMFLAGS) -cp "$(DEMO_CP)" dev.jmp.examples.PipeDemo
	@echo "== tutorial 3: Queue =="
	@$(JAVA) $(JVMFLAGS) -cp "$(DEMO_CP)" dev.jmp.examples.QueueDemo
	@echo "== tutorial 4: Pool =="
	@$(JAVA) $(JVMFLAGS) -cp "$(DEMO_CP)" dev.jmp.examples.PoolDemo

# example: one tutorial program, e.g. make example NAME=PipeDemo
example: build
	@$(JAVA) $(JVMFLAGS) -cp "$(DEMO_CP)" dev.jmp.examples.$(NAME)

# trace: the system calls of one tutorial program (chapter 9), e.g. make trace NAME=UnderTheHood;
# the whole trace goes to target/trace.txt, the lines without the JVM's own threads to stdout.
TRACE_CALLS = pipe2,clone3,execve,dup2,close_range,write,mq_open,mq_timedsend,mq_timedreceive,mq_unlink,poll,wait4,exit_group
trace: build
	strace -f -e signal=none -s 48 -e trace=$(TRACE_CALLS) -o target/trace.txt $(JAVA) $(JVMFLAGS) -cp "$(DEMO_CP)" dev.jmp.examples.$(NAME)
	@grep -v -e CLONE_THREAD -e 'parent_tid=' target/trace.txt

# docs: the tutorial's included program blocks rewritten from examples/ (a test fails
# when they differ), and its timeline picture drawn from a real run.
DOCS_CP = target/test-classes:$(DEMO_CP)
docs: build
	@$(JAVA) $(JVMFLAGS) -cp "$(DOCS_CP)" dev.jmp.examples.TutorialText .
	@$(JAVA) $(JVMFLAGS) -cp "$(DOCS_CP)" dev.jmp.examples.Timeline "$(DEMO_CP)" docs/tutorial/img/threads-vs-processes.svg

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
