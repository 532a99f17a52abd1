#!/usr/bin/env bash
# Builds the libFuzzer target of the C core with clang (ASan + UBSan) and
# fuzzes it for a short while, starting from the seed corpus in the repo.
# Installs clang and its runtime on Debian when they are missing.
#
#   .ci/fuzz.sh            60 seconds
#   FUZZ_SECONDS=600 .ci/fuzz.sh
#
# New inputs go to a scratch directory, not into native/fuzz/corpus; to
# grow the seed corpus, merge them with `fuzz_core -merge=1`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD_DIR:-target/fuzz}

find_clang() {
	for cc in clang clang-16 clang-15 clang-14; do
		if command -v "$cc" >/dev/null; then
			echo "$cc"
			return
		fi
	done
}

# Whether $1 can build a libFuzzer program (the runtime is a separate
# package, libclang-rt-<version>-dev, on Debian 12).
has_libfuzzer() {
	echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
		"$1" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null
}

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v make >/dev/null || need+=(make)
cc=$(find_clang)
if [ -z "$cc" ] || ! has_libfuzzer "$cc"; then
	need+=(clang-14 libclang-rt-14-dev)
	cc=clang-14
fi
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${need[@]}"
fi

CC="$cc" cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DEVL_BUILD_TESTS=OFF -DEVL_BUILD_FUZZ=ON
cmake --build "$build" --target fuzz_core --parallel 2

work="$build/corpus"
mkdir -p "$work" "$build/artifacts"
echo "== fuzzing the core for ${seconds}s with $cc"
ASAN_OPTIONS=detect_leaks=1 "$build/fuzz_core" \
	-max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
	-artifact_prefix="$build/artifacts/" -print_final_stats=1 \
	"$work" native/fuzz/corpus
