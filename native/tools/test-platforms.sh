#!/bin/sh
# test-platforms.sh BUILD_DIR
#
# Runs the C tests of the cross builds that build-platforms.sh left in
# BUILD_DIR, where this machine can run them: the x86-64 Linux builds on an
# x86-64 host, the aarch64 builds on aarch64 or under qemu-aarch64-static:
# the musl build is static, the glibc build needs EVL_AARCH64_SYSROOT, a
# folder holding an aarch64 glibc (qemu -L). Says which it did not run and
# why; fails only when a test that ran failed.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
build=$1
host=$(uname -m)
qemu=$(command -v qemu-aarch64-static || true)

run() { # platform [emulator]
	echo "test-platforms: $1${2:+ under $2}"
	if [ -n "${2:-}" ]; then
		# An emulator given at configure time is put in front of each
		# test by CTest; reconfiguring only sets it.
		cmake -DCMAKE_CROSSCOMPILING_EMULATOR="$2" "$build/$1" >/dev/null
	fi
	(cd "$build/$1" && ctest --output-on-failure --timeout 120)
}

not_run() {
	echo "test-platforms: $1: compiled, not run ($2)"
}

for platform in linux-x86-64 linux-x86-64-musl; do
	if [ "$host" = x86_64 ] && [ "$(uname -s)" = Linux ]; then
		run $platform
	else
		not_run $platform "needs an x86-64 Linux host"
	fi
done
if [ "$host" = aarch64 ] && [ "$(uname -s)" = Linux ]; then
	run linux-aarch64-musl
	run linux-aarch64
elif [ -n "$qemu" ]; then
	run linux-aarch64-musl "$qemu"
	if [ -n "${EVL_AARCH64_SYSROOT:-}" ]; then
		run linux-aarch64 "$qemu;-L;$EVL_AARCH64_SYSROOT"
	else
		not_run linux-aarch64 \
			"no EVL_AARCH64_SYSROOT with an aarch64 glibc for qemu"
	fi
else
	not_run linux-aarch64-musl "no qemu-aarch64-static"
	not_run linux-aarch64 "needs an aarch64 host"
fi
not_run darwin-x86-64 "needs macOS"
not_run darwin-aarch64 "needs macOS"
