#!/bin/sh
# build-platforms.sh RESOURCE_DIR BUILD_DIR
#
# Cross-builds the evloop core for every platform the jar carries, with zig
# cc (native/cmake/zig-<platform>.cmake), copies each library to
# RESOURCE_DIR/<platform>/ and checks that the glibc libraries need nothing
# newer than glibc 2.17. The C tests are compiled for every platform too
# (statically for musl, so that qemu-user runs them without a sysroot);
# test-platforms.sh BUILD_DIR runs those this machine can run.
set -eu
if [ $# -ne 2 ]; then
	echo "usage: $0 RESOURCE_DIR BUILD_DIR" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
resources=$1
build=$2
platforms="linux-x86-64 linux-aarch64 linux-x86-64-musl linux-aarch64-musl
darwin-x86-64 darwin-aarch64"

# Find zig once; the compiler scripts would otherwise search per call.
ZIG=$("$here/zig-run" --path)
export ZIG
mkdir -p "$build" "$resources"

for platform in $platforms; do
	options="-DEVL_SANITIZE=OFF"
	case $platform in
	*-musl) options="$options -DEVL_TEST_STATIC=ON" ;;
	esac
	echo "build-platforms: $platform"
	cmake -S "$src" -B "$build/$platform" \
		--toolchain "$src/native/cmake/zig-$platform.cmake" \
		-DCMAKE_BUILD_TYPE=Release \
		-DEVL_RESOURCE_DIR="$resources" $options >"$build/$platform.log" 2>&1 ||
		{ cat "$build/$platform.log"; exit 1; }
	cmake --build "$build/$platform" --parallel 2 >>"$build/$platform.log" 2>&1 ||
		{ cat "$build/$platform.log"; exit 1; }
	if [ ! -f "$resources/$platform/"libevloop.* ]; then
		echo "build-platforms: no library in $resources/$platform/" >&2
		exit 1
	fi
done
"$here/check-glibc-floor.sh" "$resources/linux-x86-64/libevloop.so" \
	"$resources/linux-aarch64/libevloop.so"
