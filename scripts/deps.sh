#!/bin/sh
# Installs (or, with --check, looks for) the Debian packages sekisho builds
# and tests with. As non-root it prints the command to run instead.
set -eu

# The Hyperscan API comes from Intel Hyperscan on x86-64: Debian 12's Vectorscan
# 5.4.9 misses matches on CPUs with AVX-512 (src/waf/regex_check.c). Elsewhere,
# Vectorscan (Hyperscan is x86 only). The two packages conflict: installing one
# removes the other.
case "$(dpkg --print-architecture 2>/dev/null || echo unknown)" in
amd64) HS=libhyperscan-dev NOT_HS="libvectorscan-dev libvectorscan5" ;;
*) HS=libvectorscan-dev NOT_HS= ;;
esac

PKGS="build-essential meson ninja-build pkg-config clang llvm libclang-rt-14-dev \
$HS libpcre2-dev libjansson-dev libyaml-dev libuv1-dev libsqlite3-dev \
libcurl4-openssl-dev libssl-dev libmaxminddb-dev zlib1g-dev libcmocka-dev python3 python3-yaml \
libpq-dev postgresql openssl curl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ "${1:-}" = "--check" ]; then
	[ -z "$missing" ] && exit 0
	echo "missing packages:$missing" >&2
	exit 1
fi

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

remove=""
for p in $NOT_HS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		remove="$remove $p-"
	fi
done
cmd="apt-get install -y --no-install-recommends$missing$remove"
if [ "$(id -u)" != 0 ]; then
	echo "deps: these Debian packages are needed; run as root:"
	echo "  apt-get update && $cmd"
	exit 1
fi
echo "deps: installing:$missing${remove:+ (and removing$remove, which conflicts)}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing $remove
