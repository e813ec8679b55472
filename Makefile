# securestreams: small Unix filters for encrypted record streams.
#
#   make            build every binary into bin/
#   make check      install missing dependencies, build, run every test
#                   (unit, integration, format vector, fuzz smoke) and then
#                   the whole suite again under ASan + UBSan
#   make demo       install missing dependencies, build, run the demo
#   make bench      the benchmark suite (scripts/bench; BENCH_FLAGS=--quick)
#   make fuzz       run each fuzz harness for FUZZ_SECONDS
#   make install    PREFIX=/usr/local (DESTDIR supported)

VERSION		= 0.1.0
PREFIX		?= /usr/local
BUILD		?= build
BINDIR		?= bin
CC		?= cc
CFLAGS		?= -O2 -g
FUZZ_SECONDS	?= 60
FUZZ_SMOKE_SECONDS ?= 10

BINS		= ss-keygen ss-encrypt ss-decrypt ss-info ss-attest ss-map ss-match \
		  ss-reduce ss-route ss-merge
# Shell scripts installed beside the binaries (scripts/X, man/X.1).
SCRIPTS		= ss-fanout
MAN1		= $(BINS:%=man/%.1) $(SCRIPTS:%=man/%.1)
MAN5		= man/ss-format.5
MAN7		= man/securestreams.7 man/ss-enclave.7 man/ss-expr.7

PKGS		= libcrypto libsodium libpcre2-8 jansson
SS_CPPFLAGS	= -D_GNU_SOURCE -DSS_VERSION='"$(VERSION)"'
SS_CFLAGS	:= -std=c11 -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
		  -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
		  $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
SS_LIBS		:= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm
CHECK_LIBS	:= $(shell pkg-config --libs check 2>/dev/null)

# Three layers, whose dependencies run one way (README, DESIGN):
#   libcore/common	shared by host and enclave; depends on nothing of ours
#   libcore/host	the untrusted side; depends on common
#   enclave		the trusted side; depends on common
# Each layer sees only its own headers and common's, so that an include
# across layers does not compile; tests/layers checks the objects too.
INC_COMMON	= -iquote libcore/common
INC_HOST	= -iquote libcore/host $(INC_COMMON)
INC_ENCLAVE	= -iquote enclave $(INC_COMMON)
INC_TESTS	= -iquote libcore/host -iquote enclave $(INC_COMMON)

COMMON_SRCS	= $(wildcard libcore/common/*.c)
COMMON_OBJS	= $(COMMON_SRCS:%.c=$(BUILD)/%.o)
LIBCOMMON	= $(BUILD)/libcommon.a
HOST_SRCS	= $(wildcard libcore/host/*.c)
HOST_OBJS	= $(HOST_SRCS:%.c=$(BUILD)/%.o)
LIBHOST		= $(BUILD)/libhost.a
# The enclave: a static library (linked into the stage binaries for the
# none backend, which they hand to the host as ss_enclave_entry) and one
# measured image, linked fully statically so that the measurement covers
# every byte of code it runs (libc and the crypto libraries too; it loads
# nothing from the host's file system).
ENCLAVE_IMAGE_SRCS = enclave/main.c enclave/lockdown.c
ENCLAVE_SRCS	= $(filter-out $(ENCLAVE_IMAGE_SRCS),$(wildcard enclave/*.c))
ENCLAVE_OBJS	= $(ENCLAVE_SRCS:%.c=$(BUILD)/%.o)
LIBENCLAVE	= $(BUILD)/libenclave.a
ENCLAVE_IMG	= $(BINDIR)/../libexec/securestreams/ss-enclave
# (Sanitizer runtimes cannot be linked statically: those builds link the
# image dynamically.)  Debug sections are stripped: less to copy and hash.
ENCLAVE_LDFLAGS	= $(if $(findstring -fsanitize,$(CFLAGS)),,-static -Wl,-S)
ENCLAVE_LIBS	:= -lcrypto -lsodium -lpcre2-8 -ljansson -lseccomp -lpthread -lm
# In dependency order: a program links what it uses of each layer.
LIBS_HOST	= $(LIBHOST) $(LIBCOMMON)
LIBS_ALL	= $(LIBHOST) $(LIBENCLAVE) $(LIBCOMMON)
UNIT_SRCS	= $(wildcard tests/unit/test_*.c)
UNIT_BINS	= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS	= $(wildcard tests/fuzz/fuzz_*.c)
# Scans a process's memory for the boundary tests (tests/cli/boundary.sh).
MEMSCAN		= $(BUILD)/tests/memscan

ALL_CFLAGS	= $(SS_CPPFLAGS) $(SS_CFLAGS) $(CFLAGS)

.PHONY: all check check-quick layers unit cli vector man-lint fuzz-smoke check-asan \
	check-valgrind deps demo bench fuzz install clean
.DELETE_ON_ERROR:

all: $(BINS:%=$(BINDIR)/%) $(ENCLAVE_IMG)

# Each layer's objects see only the headers the layer may include.
$(BUILD)/libcore/common/%.o: INC = $(INC_COMMON)
$(BUILD)/libcore/host/%.o $(BUILD)/cmd/%.o: INC = $(INC_HOST)
$(BUILD)/enclave/%.o: INC = $(INC_ENCLAVE)
$(BUILD)/tests/%.o: INC = $(INC_TESTS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(INC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIBCOMMON): $(COMMON_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBHOST): $(HOST_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBENCLAVE): $(ENCLAVE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BINDIR)/%: $(BUILD)/cmd/%.o $(LIBHOST) $(LIBENCLAVE) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIBS_ALL) $(SS_LIBS) -o $@

# The image holds the enclave and common layers only: no host code.
$(ENCLAVE_IMG): $(ENCLAVE_IMAGE_SRCS:%.c=$(BUILD)/%.o) $(LIBENCLAVE) \
    $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(ENCLAVE_LDFLAGS) \
	    $(ENCLAVE_IMAGE_SRCS:%.c=$(BUILD)/%.o) $(LIBENCLAVE) $(LIBCOMMON) \
	    $(ENCLAVE_LIBS) \
	    -o $@ 2>&1 | { grep -v "statically linked applications requires" \
	    | grep -v "in function" >&2 || true; }; test -x $@

$(BUILD)/tests/make-vector: $(BUILD)/tests/vector/vector.o $(LIBHOST) \
    $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIBS_HOST) $(SS_LIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBHOST) $(LIBENCLAVE) \
    $(LIBCOMMON) $(BUILD)/enclave/lockdown.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(BUILD)/enclave/lockdown.o $(LIBS_ALL) \
	    $(SS_LIBS) -lseccomp $(CHECK_LIBS) -o $@

# Matches per second of subscription sets (not a test: run it by hand).
$(BUILD)/tests/bench_subs: $(BUILD)/tests/tools/bench_subs.o $(LIBHOST) \
    $(LIBENCLAVE) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIBS_ALL) $(SS_LIBS) -o $@

# A test-only configfs-tsm served with FUSE (tests/cli/attest-cvm.sh).
TSMFS		= $(BUILD)/tests/tsmfs
FUSE_CFLAGS	:= $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE_LIBS	:= $(shell pkg-config --libs fuse3 2>/dev/null)
$(BUILD)/tests/tools/tsmfs.o: INC += $(FUSE_CFLAGS)
$(TSMFS): $(BUILD)/tests/tools/tsmfs.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(FUSE_LIBS) -lcrypto -o $@

$(MEMSCAN): $(BUILD)/tests/tools/memscan.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

# The paced source and latency sink of scripts/bench (hrv).
PACE		= $(BUILD)/tests/pace
$(PACE): $(BUILD)/tests/tools/pace.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

-include $(COMMON_OBJS:.o=.d) $(HOST_OBJS:.o=.d) $(BINS:%=$(BUILD)/cmd/%.d) \
	$(ENCLAVE_OBJS:.o=.d) $(ENCLAVE_IMAGE_SRCS:%.c=$(BUILD)/%.d) \
	$(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%.d) \
	$(BUILD)/tests/vector/vector.d $(BUILD)/tests/tools/memscan.d \
	$(BUILD)/tests/tools/bench_subs.d $(BUILD)/tests/tools/pace.d \
	$(BUILD)/tests/tools/tsmfs.d

# Keep test objects between runs.
.SECONDARY:

deps:
	@scripts/install-deps

# Everything, then everything again under the sanitizers.
check: deps
	@$(MAKE) --no-print-directory check-quick
	@$(MAKE) --no-print-directory check-asan
	@echo "make check: all tests passed"

check-quick: all layers unit cli vector man-lint fuzz-smoke

# The layers' dependencies run one way, and the image holds no host code.
layers: all
	@CC="$(CC)" tests/layers/run $(BUILD) $(ENCLAVE_IMG) $(BINDIR)/ss-map

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; CK_FORK=yes $$t; done

cli: all $(MEMSCAN) $(TSMFS)
	@SS_BIN=$(abspath $(BINDIR)) SS_MEMSCAN=$(abspath $(MEMSCAN)) \
	    SS_TSMFS=$(abspath $(TSMFS)) tests/cli/run-all

vector: all $(BUILD)/tests/make-vector
	@SS_BIN=$(abspath $(BINDIR)) SS_VECTOR=$(abspath $(BUILD)/tests/make-vector) \
	    tests/vector/check-vector

# Every page renders with no groff warning.
man-lint:
	@set -e; for m in $(MAN1) $(MAN5) $(MAN7); do \
	    out=$$(groff -mandoc -ww -z -Tutf8 $$m 2>&1); \
	    if [ -n "$$out" ]; then echo "$$m: $$out"; exit 1; fi; \
	done; echo "man: $(words $(MAN1) $(MAN5) $(MAN7)) pages render cleanly"

fuzz-smoke:
	@FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) tests/fuzz/run

# The sanitizer build uses clang, so that every check also proves the code
# builds warning-free with both compilers.
ASAN_CC		?= clang
check-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan-$(ASAN_CC) \
	    BINDIR=build-asan-$(ASAN_CC)/bin CC=$(ASAN_CC) \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    all unit cli vector

check-valgrind: all $(MEMSCAN) $(TSMFS)
	@SS_BIN=$(abspath $(BINDIR)) SS_MEMSCAN=$(abspath $(MEMSCAN)) \
	    SS_TSMFS=$(abspath $(TSMFS)) SS_VALGRIND=1 tests/cli/run-all

# Dependencies first, then a fresh make that sees them (pkg-config).
demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

# make bench BENCH_FLAGS=--quick for a short run.
bench: all $(PACE)
	@SS_PACE=$(abspath $(PACE)) scripts/bench $(BENCH_FLAGS)

fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	install -d $(DESTDIR)$(PREFIX)/libexec/securestreams
	install -m 0755 $(BINS:%=$(BINDIR)/%) $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(SCRIPTS:%=scripts/%) $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(ENCLAVE_IMG) $(DESTDIR)$(PREFIX)/libexec/securestreams
	install -m 0644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(MAN5) $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0644 $(MAN7) $(DESTDIR)$(PREFIX)/share/man/man7

clean:
	rm -rf build build-asan* build-fuzz bin libexec
