# Cadence: build, run, test, bench, lint, sanitize.
CC       ?= cc
BUILD    ?= build
OPT      ?= -O2 -g
SAN      ?=
LAYERS   := util db db/queries domain http jobs
CFLAGS   := $(OPT) $(SAN) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -fstack-protector-strong -Iinclude $(addprefix -Iinclude/,$(LAYERS)) \
            -I/usr/include/postgresql
LDFLAGS  := $(SAN)
LDLIBS   := -lmicrohttpd -ljansson -lpq -lcurl -lcrypto -lpthread -lm

SERVICE_SRC := $(foreach l,$(LAYERS),$(wildcard service/$(l)/*.c)) $(wildcard api/*.c)
SERVICE_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(SERVICE_SRC)) $(BUILD)/gen/migrations_data.o \
               $(BUILD)/gen/functions_data.o $(BUILD)/gen/openapi_data.o $(BUILD)/gen/console_data.o
MIGRATIONS  := $(sort $(wildcard service/sql/migrations/*.sql))
FUNCTIONS   := $(sort $(wildcard service/sql/functions/*.sql))
UNIT_SRC    := $(wildcard tests/unit/*.c)
CONSOLE     := $(sort $(wildcard console/*.* console/vendor/*.js console/vendor/*.css))

.PHONY: all run test test-hours renderings unit sanitize fuzz fuzz-build bench lint format clean deps docker-test
all: $(BUILD)/cadence $(BUILD)/unit_tests

# Each object depends on the headers it includes (-MMD writes them down), not on every header.
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Migrations are compiled into the binary so a deployment cannot run with a
# schema that does not match its code.
$(BUILD)/gen/migrations_data.c: $(MIGRATIONS) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-sql.sh MIGRATIONS MIGRATION_COUNT $(MIGRATIONS) > $@

$(BUILD)/gen/functions_data.c: $(FUNCTIONS) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-sql.sh SQL_FUNCTIONS SQL_FUNCTION_COUNT $(FUNCTIONS) > $@

$(BUILD)/gen/openapi_data.c: openapi.yaml scripts/embed-text.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-text.sh OPENAPI_YAML openapi.yaml > $@

# The console (/app) is compiled in too: the binary serves it without any build step at run time.
$(BUILD)/gen/console_data.c: $(CONSOLE) scripts/embed-assets.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-assets.sh $(CONSOLE) > $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CFLAGS) -Wno-missing-variable-declarations -c $< -o $@

$(BUILD)/cadence: $(SERVICE_OBJ) $(BUILD)/service/main.o
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS)

$(BUILD)/unit_tests: $(SERVICE_OBJ) $(UNIT_SRC)
	$(CC) $(CFLAGS) $(SERVICE_OBJ) $(UNIT_SRC) -o $@ $(LDFLAGS) $(LDLIBS)

# First command of the README: install, build, start on an embedded default.
run: deps all
	sh scripts/run-dev.sh

# Second command of the README: every test, ending with "N passed, N failed".
test: deps
	sh tests/run.sh

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

sanitize:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	        SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all

# libFuzzer targets for every parser of outside input (tests/fuzz), built with clang into build-fuzz/,
# each run FUZZ_SECONDS from its seed corpus. make test runs them 10 s each.
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	        SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-build: $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_TARGETS))

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(SERVICE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(SERVICE_OBJ) $< -o $@ $(LDFLAGS) $(LDLIBS)

bench: deps all
	sh tests/bench/run.sh

deps:
	@sh scripts/deps.sh

lint:
	cppcheck --quiet --error-exitcode=1 --std=c11 -Iinclude $(addprefix -Iinclude/,$(LAYERS)) --suppress=missingIncludeSystem service api
	npx --prefix tests redocly lint openapi.yaml

format:
	clang-format -i include/*.h include/*/*.h include/*/*/*.h service/*.c service/*/*.c service/*/*/*.c api/*.c tests/unit/*.c

# Rewrites tests/renderings/default-messages.txt from the server's renderings (review the diff).
renderings: all
	CADENCE_UPDATE_RENDERINGS=1 TEST_ONLY=test_renderings sh tests/run-api.sh

# The API tests as if run at each hour of the day (UTC), under libfaketime.
test-hours: deps
	sh tests/at-every-hour.sh $(HOURS)

docker-test:
	sh scripts/docker-test.sh

clean:
	rm -rf build build-asan
