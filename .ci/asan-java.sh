#!/usr/bin/env bash
# Runs the Java tests once against a core built with AddressSanitizer and
# UBSan (-DEVL_SANITIZE_LIBRARY=ON): the test JVM starts with the ASan
# runtime preloaded and loads that library through -Devloop.library.path.
# SanitizedLibraryTest checks that both are really mapped into the JVM.
#
#   .ci/asan-java.sh                  every test class
#   .ci/asan-java.sh -Dtest='Lifecycle*'   extra Maven arguments
#
# Uses the default JDK (17 on Debian 12), or JAVA_HOME when set.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

build=$(pwd)/target/asan-lib
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DEVL_BUILD_TESTS=OFF -DEVL_SANITIZE_LIBRARY=ON
cmake --build "$build" --target evloop --parallel 2
library=$(find "$build" -maxdepth 1 -name 'libevloop.so' | head -n 1)
libasan=$(gcc -print-file-name=libasan.so)
if [ ! -f "$libasan" ]; then
	echo "asan-java: no libasan.so from gcc ($libasan)" >&2
	exit 1
fi

# Only the forked test JVM gets the ASan runtime, through a java wrapper
# (surefire's jvm parameter), so Maven, CMake and the compiler run as usual.
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
java_bin=$(command -v "$java_bin")
# Surefire wants a path that ends in bin/java.
mkdir -p "$build/asan-jdk/bin"
wrapper="$build/asan-jdk/bin/java"
cat >"$wrapper" <<WRAP
#!/bin/sh
export LD_PRELOAD="$libasan"
exec "$java_bin" "\$@"
WRAP
chmod +x "$wrapper"

# The JVM uses SIGSEGV and SIGBUS itself (safepoints, implicit null checks),
# keeps memory that ASan would call leaked, and switches stacks in ways that
# the fake stack of use-after-return detection does not follow.
export ASAN_OPTIONS="detect_leaks=0:handle_segv=0:handle_sigbus=0:\
handle_sigill=0:handle_sigfpe=0:allow_user_segv_handler=1:\
detect_stack_use_after_return=0:halt_on_error=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

jvm_args="--add-exports java.base/sun.nio.ch=ALL-UNNAMED"
jvm_args+=" -Devloop.library.path=$library -Devloop.expect.sanitized=true"
echo "== Java tests against $library (ASan runtime $libasan)"
mvn -B verify -Djvm="$wrapper" "-Devloop.test.jvmArgs=$jvm_args" \
	-Dsurefire.failIfNoSpecifiedTests=false "$@"
