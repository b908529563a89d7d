# crystal-rl — the two commands: `make run` (watch an agent play) and `make test`.
# Both install what is missing (scripts/install-deps.sh) and build first.
#   make test SANITIZE=1   the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench             speed and memory figures (tables and ratios)

SANITIZE ?= 0
JOBS ?= $(shell nproc)
ifeq ($(SANITIZE),1)
BUILD_DIR ?= build-sanitize
CMAKE_FLAGS := -DCMAKE_BUILD_TYPE=Debug -DCRL_SANITIZE=ON -DCRL_WERROR=ON
else
BUILD_DIR ?= build
CMAKE_FLAGS := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRL_WERROR=ON
endif
BIN := $(BUILD_DIR)/crystal-rl
ROM ?=
RUN_ARGS ?=

.PHONY: all deps test-deps build test bench run format check-format clean

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test
	@if [ ! -d tests/e2e/node_modules/playwright-core ]; then \
		echo "installing playwright-core for the browser test (it drives Debian's chromium)"; \
		cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error; fi

build: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

test: test-deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

bench: build
	$(BUILD_DIR)/crystal-rl-bench
	$(BUILD_DIR)/crystal-rl-env-bench
	$(BUILD_DIR)/crystal-rl-monitor-bench
	$(BUILD_DIR)/crystal-rl-rl-bench
	PYTHONPATH=$(BUILD_DIR)/python /usr/bin/python3 bench/python_bench.py
	$(BUILD_DIR)/crystal-rl-run-cost-bench
	$(BUILD_DIR)/crystal-rl-fd-flood-bench

run: build
	$(BIN) run --speed 1 $(if $(ROM),--rom $(ROM)) $(RUN_ARGS)

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h' 'src/*.c' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp')

check-format:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.cpp' 'src/*.h' 'src/*.c' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp')

clean:
	rm -rf build build-sanitize
