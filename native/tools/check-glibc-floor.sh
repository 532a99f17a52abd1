#!/bin/sh
# check-glibc-floor.sh [-m VERSION] LIBRARY...
#
# Fails when a library needs a glibc symbol version newer than VERSION
# (default 2.17, the glibc of RHEL/CentOS 7 and the oldest we support), and
# names each symbol that does. A library that needs no glibc at all (musl,
# macOS) passes. Uses objdump -T, or readelf when objdump cannot read the
# file's architecture.
set -eu
floor=2.17
if [ "${1:-}" = -m ]; then
	floor=$2
	shift 2
fi
if [ $# -eq 0 ]; then
	echo "usage: $0 [-m VERSION] LIBRARY..." >&2
	exit 2
fi

# Prints "VERSION SYMBOL" for every versioned glibc symbol of $1.
glibc_symbols() {
	if objdump -T "$1" >/dev/null 2>&1; then
		objdump -T "$1" | sed -n \
			's/.*(GLIBC_\([0-9.]*\))[[:space:]]*\([^[:space:]]*\)$/\1 \2/p'
	else
		readelf --dyn-syms -W "$1" | sed -n \
			's/.* \([^ @]*\)@GLIBC_\([0-9.]*\).*/\2 \1/p'
	fi
}

status=0
for lib in "$@"; do
	if [ ! -f "$lib" ]; then
		echo "check-glibc-floor: $lib: no such file" >&2
		status=1
		continue
	fi
	if [ "$(od -An -tx1 -N4 "$lib" | tr -d ' \n')" != 7f454c46 ]; then
		echo "check-glibc-floor: $lib: ok (not ELF, needs no glibc)"
		continue
	fi
	newest=$(glibc_symbols "$lib" | cut -d' ' -f1 | sort -uV | tail -n 1)
	too_new=$(glibc_symbols "$lib" | while read -r version symbol; do
		top=$(printf '%s\n%s\n' "$floor" "$version" | sort -V | tail -n 1)
		if [ "$top" != "$floor" ]; then
			echo "  $symbol needs GLIBC_$version"
		fi
	done)
	if [ -n "$too_new" ]; then
		echo "check-glibc-floor: $lib needs glibc newer than $floor:" >&2
		echo "$too_new" >&2
		status=1
	else
		echo "check-glibc-floor: $lib: ok (newest GLIBC_${newest:-none}," \
			"floor $floor)"
	fi
done
exit $status
