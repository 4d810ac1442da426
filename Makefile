# A thin front for newcomers; meson and ninja do the work.
#   make        build optimised, binary at build/sekisho
#   make run    build, then show what sekisho does
#   make test   build and run every test, once more under ASan+UBSan
#   make bench  engine benchmarks (see docs/benchmarks.md)
#   make fuzz   build the libFuzzer targets and run each for FUZZ_SECONDS
#   make deps   install the Debian packages the build needs

FUZZ_SECONDS ?= 60
MESON_FLAGS ?=

.PHONY: all run test bench fuzz deps deps-check clean format

all: build/build.ninja
	ninja -C build

deps:
	@sh scripts/deps.sh

deps-check:
	@sh scripts/deps.sh --check 2>/dev/null || sh scripts/deps.sh

build/build.ninja: | deps-check
	meson setup build --buildtype=release $(MESON_FLAGS)

build-asan/build.ninja: | deps-check
	meson setup build-asan --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Darena_malloc=true $(MESON_FLAGS)

build-fuzz/build.ninja: | deps-check
	CC=clang meson setup build-fuzz --buildtype=debugoptimized -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false -Darena_malloc=true \
		-Dtests=false $(MESON_FLAGS)

run: all
	@sh scripts/demo.sh build/sekisho

test: build/build.ninja build-asan/build.ninja
	ninja -C build
	ninja -C build-asan
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		bash tests/run.sh build build-asan

bench: all
	bash bench/run.sh build

fuzz: build-fuzz/build.ninja
	ninja -C build-fuzz
	bash fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz
