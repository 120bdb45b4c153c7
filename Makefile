# jmp — Python's multiprocessing for Java on Linux.
#   make demo    build and run the tutorial programs
#   make test    build and run the test suite
#   make stress  the heavy tests (tagged "stress") on top of the suite
#   make bench   benchmarks: C baseline, JMH, CPython
#   make clean

MVN     ?= mvn
MVNFLAGS ?= -q -B
JAVA    ?= java
CC      ?= gcc
CFLAGS  ?= -O2 -Wall -Wextra

CP = target/classes:$(shell cat target/classpath.txt 2>/dev/null)
NATIVE_SRC = $(wildcard native/*.c)
NATIVE_BIN = $(patsubst native/%.c,target/native/%,$(NATIVE_SRC))

.PHONY: build test stress demo bench clean native

build: native
	$(MVN) $(MVNFLAGS) -DskipTests package

native: $(NATIVE_BIN)

target/native/%: native/%.c
	@mkdir -p target/native
	$(CC) $(CFLAGS) -o $@ $< -lpthread -lrt

test: native
	$(MVN) $(MVNFLAGS) test

stress: native
	$(MVN) $(MVNFLAGS) test -Dtest.excludedGroups= -Dtest.groups=

demo: build
	@echo "== tutorial 1: threads vs processes =="
	$(JAVA) -cp "$(CP)" dev.jmp.examples.ThreadsVsProcesses

bench: build
	$(MVN) $(MVNFLAGS) -Pbench -DskipTests package
	@echo "make bench: the benchmark table arrives with its issue; C baselines are in target/native"

clean:
	$(MVN) $(MVNFLAGS) clean
