# Makefile: one non-recursive build of libhostcall, hostcalld, the tests and the benchmarks.
#   make            build into $(B)
#   make check      build under ASan+UBSan into build/san and run every test
#   make bench      build optimised and run the benchmarks
#   make install    PREFIX=/usr/local DESTDIR=
#   make run        set up, start hostcalld on loopback and open dosh (scripts/run.sh)
#   V=1             show the commands

B ?= build
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
SAN ?=

TIRPC_CFLAGS := $(shell pkg-config --cflags libtirpc)
TIRPC_LIBS := $(shell pkg-config --libs libtirpc)
SSL_CFLAGS := $(shell pkg-config --cflags libssl libcrypto)
SSL_LIBS := $(shell pkg-config --libs libssl libcrypto)

WARN := -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	-Wold-style-definition -Wundef -Wwrite-strings -Wsign-compare \
	-Wimplicit-fallthrough -Werror
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O2 -fPIC -MD -MP \
	-Iinclude -I$(B)/gen -Itransport -Irpc -Ishadow -Iservers -Idosh -Idosh/builtins -Ihostcall-kvm -Itests/integration \
	$(TIRPC_CFLAGS) $(SSL_CFLAGS)
ifeq ($(SAN),1)
BASE_CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
LDSAN := -fsanitize=address,undefined
endif
CFLAGS ?=
ALL_CFLAGS := $(BASE_CFLAGS) $(CFLAGS)
LDLIBS := $(TIRPC_LIBS) -lsodium $(SSL_LIBS) -pthread
# rpcgen output: only what it needs relaxed, nothing else
GEN_CFLAGS := $(BASE_CFLAGS) -Wno-unused-variable -Wno-unused-parameter

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-8s %s\n' $(1) $(2)
endif

# ---- sources ----
GEN_H := $(B)/gen/rpc/hostcall.h
GEN_XDR := $(B)/gen/rpc/hostcall_xdr.c

LIB_SRC := transport/registry.c transport/api.c transport/api_files.c transport/api_proc.c \
	transport/api_net.c transport/stream.c transport/errmap.c transport/url.c transport/tls.c transport/tls_probe.c transport/tunnel.c \
	transport/keyfile.c transport/auth.c transport/io.c transport/api_fs.c transport/api_fs_data.c \
	transport/api_module.c rpc/oncrpc_client.c rpc/rpc_record.c rpc/clnt_tls.c \
	hostcall-kvm/layout.c hostcall-kvm/channel.c hostcall-kvm/ivshmem_peer.c \
	hostcall-kvm/kvm_client.c hostcall-kvm/kvm_pci.c hostcall-kvm/ring.c \
	hostcall-kvm/guest_streams.c
SHADOW_SRC := shadow/shadow.c shadow/loop.c shadow/dispatch.c shadow/handles.c \
	shadow/context.c shadow/files.c shadow/proc.c shadow/children.c \
	shadow/relay.c shadow/sockets.c shadow/streams.c shadow/auth.c shadow/pty.c \
	shadow/fs.c shadow/fs_data.c shadow/modules.c
SERVER_SRC := servers/hostcalld.c servers/daemon.c servers/admit.c servers/log.c \
	rpc/oncrpc_server.c rpc/oncrpc_listen.c rpc/svc_tls.c \
	hostcall-kvm/ivshmem_server.c hostcall-kvm/kvm_host.c hostcall-kvm/kvm_conn.c

DOSH_SRC := dosh/main.c dosh/input.c dosh/arena.c dosh/lexer.c dosh/parser.c dosh/vars.c \
	dosh/expand.c dosh/arith.c dosh/glob.c dosh/exec.c dosh/redir.c dosh/pipeline.c dosh/pipejob.c \
	dosh/host.c dosh/hostio.c dosh/hostpty.c servers/display.c dosh/jobs.c \
	$(sort $(wildcard dosh/builtins/*.c))
# dosh links its libraries statically, all but libc, so that it starts as fast as dash: loading
# libtirpc's shared GSS-API chain and libedit's took twice dash's whole start (dosh/nogss.c).
# Not under ASan: it intercepts XDR functions and finds the real ones only in a shared library.
ifeq ($(SAN),1)
DOSH_LIBS := $(LDLIBS) -ledit
else
DOSH_SRC += dosh/nogss.c
DOSH_LIBS := -Wl,-Bstatic -ltirpc -lsodium -lssl -lcrypto $(shell pkg-config --static --libs-only-l libedit libbsd) \
	-Wl,-Bdynamic -pthread
endif

HOSTFS_SRC := hostfs/main.c hostfs/session.c hostfs/inode.c hostfs/ops.c hostfs/ops_data.c \
	hostfs/pipes.c hostfs/readahead.c hostfs/devio.c
FUSE_CFLAGS := $(shell pkg-config --cflags fuse3)
FUSE_LIBS := $(shell pkg-config --libs fuse3)

LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/rpc/hostcall_xdr.o
HOSTFS_OBJ := $(HOSTFS_SRC:%.c=$(B)/%.o)
DOSH_OBJ := $(DOSH_SRC:%.c=$(B)/%.o)
SHADOW_OBJ := $(SHADOW_SRC:%.c=$(B)/%.o)
SERVER_OBJ := $(SERVER_SRC:%.c=$(B)/%.o)

LIBA := $(B)/libhostcall.a
LIBSO := $(B)/libhostcall.so
HOSTCALLD := $(B)/bin/hostcalld
DOSH := $(B)/bin/dosh
HOSTFS := $(B)/bin/hostfs

UNIT_TESTS := xdr errmap registry keyfile url auth handles admit tls rpc_record
UNIT_BINS := $(UNIT_TESTS:%=$(B)/tests/unit/test_%)
INTEG_TESTS := session race proc stream lifecycle security encrypt netns kvm module hcgen
# run a second time with every session over a shared-memory channel (ivshmem:)
CHANNEL_TESTS := session race proc stream lifecycle module hcgen
# host modules test_module loads: a real one, and ones hostcalld must refuse
MODULE_FIXTURES := $(addprefix $(B)/tests/integration/modules/,fixture.so wrongabi.so unbound.so junk.so)
INTEG_BINS := $(INTEG_TESTS:%=$(B)/tests/integration/test_%)
# the trust campaign: floods, faults and load, each test printing its figures (make trust)
TRUST_TESTS := flood faults soak channel
TRUST_BINS := $(TRUST_TESTS:%=$(B)/tests/trust/trust_%)
BENCH_BINS := $(B)/tests/bench/bench_core $(B)/tests/bench/bench_dosh $(B)/tests/bench/bench_kvm \
	$(B)/tests/bench/bench_shell $(B)/tests/bench/bench_stubs

all: $(LIBA) $(LIBSO) $(HOSTCALLD) $(DOSH) $(HOSTFS) $(B)/hostcall.pc

# ---- generated code ----
$(GEN_H): rpc/hostcall.x
	$(call say,RPCGEN,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && cd $(@D) && cp $(CURDIR)/rpc/hostcall.x . && rpcgen -M -h -o hostcall.h hostcall.x && rm -f hostcall.x

$(GEN_XDR): rpc/hostcall.x $(GEN_H)
	$(call say,RPCGEN,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && cd $(@D) && cp $(CURDIR)/rpc/hostcall.x . && rpcgen -M -c -o hostcall_xdr.c hostcall.x && rm -f hostcall.x

$(B)/gen/rpc/hostcall_xdr.o: $(GEN_XDR)
	$(call say,CC,$@)
	$(Q)$(CC) $(GEN_CFLAGS) -c -o $@ $<

# ---- hand-written code ----
$(B)/%.o: %.c $(GEN_H)
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(WARN) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBSO): $(LIB_OBJ)
	$(call say,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,libhostcall.so.1 $(LDSAN) -o $@ $^ $(LDLIBS)

$(B)/servers/hostcalld.o: ALL_CFLAGS += -DHC_MODULE_DIR='"$(PREFIX)/lib/hostcall/modules"'

$(HOSTCALLD): $(SERVER_OBJ) $(SHADOW_OBJ) $(LIBA)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -ldl

$(DOSH): $(DOSH_OBJ) $(LIBA)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(DOSH_LIBS)

$(B)/hostfs/%.o: hostfs/%.c $(GEN_H)
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(FUSE_CFLAGS) $(WARN) -c -o $@ $<

$(HOSTFS): $(HOSTFS_OBJ) $(LIBA)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) $(FUSE_LIBS)

$(B)/tests/netns/wire_check: $(B)/tests/netns/wire_check.o
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^

$(B)/tests/vm/guest_check: $(B)/tests/vm/guest_check.o $(LIBA)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)

$(B)/hostcall.pc: hostcall.pc.in
	$(call say,GEN,$@)
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' $< > $@

# ---- tests ----
TEST_SUPPORT := $(B)/tests/integration/harness.o $(B)/tests/integration/raw_rpc.o

$(B)/tests/unit/test_handles: $(B)/tests/unit/test_handles.o $(B)/shadow/handles.o $(B)/transport/io.o \
		$(B)/servers/log.o
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lcmocka

$(B)/tests/unit/test_admit: $(B)/tests/unit/test_admit.o $(B)/servers/admit.o
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lcmocka

$(B)/tests/unit/test_%: $(B)/tests/unit/test_%.o $(LIBA)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lcmocka

$(B)/tests/integration/test_%: $(B)/tests/integration/test_%.o $(TEST_SUPPORT) $(LIBA)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lcmocka

$(B)/tests/trust/trust_%: $(B)/tests/trust/trust_%.o $(TEST_SUPPORT) $(LIBA)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lcmocka

$(B)/tests/integration/test_module: | $(MODULE_FIXTURES)

$(B)/tests/integration/modules/fixture.so: FIXTURE :=
$(B)/tests/integration/modules/wrongabi.so: FIXTURE := -DFIXTURE_NAME='"wrongabi"' -DFIXTURE_ABI=99
$(B)/tests/integration/modules/unbound.so: FIXTURE := -DFIXTURE_NAME='"unbound"' -DFIXTURE_BIND_FAILS
$(B)/tests/integration/modules/%.so: tests/integration/module_fixture.c tests/integration/module_fixture.h
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(WARN) $(FIXTURE) -shared $(LDSAN) -o $@ $<

$(B)/tests/integration/modules/junk.so:
	@mkdir -p $(@D)
	$(Q)echo 'not a shared object' > $@

$(B)/tests/hostfs/%: $(B)/tests/hostfs/%.o $(LIBA)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lcmocka

$(B)/tests/bench/bench_%: $(B)/tests/bench/bench_%.o $(TEST_SUPPORT) $(LIBA)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lcmocka

# ---- fuzzing (clang's libFuzzer) ----
#   make fuzz FUZZ_SECONDS=N       the .x bounds check, then each of FUZZ_TARGETS: its kept crashes
#                                  replayed, N seconds of fuzzing (default 20), one summary line
#   make fuzz-long FUZZ_SECONDS=N  the same for as long as asked (default 3600 s each)
#   make fuzz-seeds                regenerate the seed corpora the RPC targets write themselves
# A target NAME is tests/fuzz/NAME.c linked with FUZZ_SRC_NAME (FUZZ_OBJ_NAME, FUZZ_LIBS_NAME),
# run with FUZZ_OPTS_NAME on tests/fuzz/corpus/NAME/ (and FUZZ_SEEDS_NAME); its working corpus
# is build/fuzz/corpus/NAME/, each crash it finds is kept in tests/fuzz/crashes/NAME/.
FUZZ_TARGETS := fuzz_parser fuzz_xdr fuzz_record fuzz_rpc_record
ifneq ($(filter fuzz-long,$(MAKECMDGOALS)),)
FUZZ_SECONDS ?= 3600
endif
FUZZ_SECONDS ?= 20
FUZZ_DIR := build/fuzz
FUZZ_GEN := $(FUZZ_DIR)/rpcgen
FUZZ_SAN := -fsanitize=fuzzer,address,undefined
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -MD -MP \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-Iinclude -I$(FUZZ_GEN) -Itransport -Irpc -Ishadow -Iservers -Idosh -Itests/fuzz $(TIRPC_CFLAGS) \
	$(SSL_CFLAGS)
# no input may make a target allocate 64 MiB at once; ASan's shadow and quarantine need the RSS
FUZZ_COMMON_OPTS := -malloc_limit_mb=64 -rss_limit_mb=1536 -timeout=25

FUZZ_SRC_fuzz_parser := dosh/parser.c dosh/lexer.c dosh/arena.c
FUZZ_SEEDS_fuzz_parser := tests/dosh/guest tests/dosh/host
FUZZ_OPTS_fuzz_parser := -max_len=4096

# the shadow as hostcalld links it, without the daemon; the generated XDR routines
FUZZ_SHADOW_SRC := $(SHADOW_SRC) servers/log.c transport/errmap.c transport/io.c transport/auth.c \
	transport/keyfile.c transport/tls.c transport/tunnel.c tests/fuzz/fuzz_util.c
FUZZ_XDR_OBJ := $(FUZZ_GEN)/rpc/hostcall_xdr.o
FUZZ_RPC_LIBS := $(TIRPC_LIBS) -lsodium $(SSL_LIBS) -pthread -ldl
FUZZ_SRC_fuzz_xdr := $(FUZZ_SHADOW_SRC)
FUZZ_OBJ_fuzz_xdr := $(FUZZ_XDR_OBJ)
FUZZ_LIBS_fuzz_xdr := $(FUZZ_RPC_LIBS)
FUZZ_OPTS_fuzz_xdr := -max_len=65536
FUZZ_SRC_fuzz_record := $(FUZZ_SHADOW_SRC) rpc/oncrpc_server.c rpc/svc_tls.c rpc/rpc_record.c
FUZZ_OBJ_fuzz_record := $(FUZZ_XDR_OBJ)
FUZZ_LIBS_fuzz_record := $(FUZZ_RPC_LIBS)
FUZZ_OPTS_fuzz_record := -max_len=65536
FUZZ_SRC_fuzz_rpc_record := rpc/rpc_record.c
FUZZ_LIBS_fuzz_rpc_record := $(FUZZ_RPC_LIBS)
FUZZ_OPTS_fuzz_rpc_record := -max_len=16384
FUZZ_SEEDED := fuzz_xdr fuzz_record

$(FUZZ_GEN)/rpc/hostcall.h: rpc/hostcall.x
	$(call say,RPCGEN,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && cd $(@D) && cp $(CURDIR)/rpc/hostcall.x . && rpcgen -M -h -o hostcall.h hostcall.x && rm -f hostcall.x

$(FUZZ_GEN)/rpc/hostcall_xdr.c: rpc/hostcall.x $(FUZZ_GEN)/rpc/hostcall.h
	$(call say,RPCGEN,$@)
	$(Q)rm -f $@ && cd $(@D) && cp $(CURDIR)/rpc/hostcall.x . && rpcgen -M -c -o hostcall_xdr.c hostcall.x && rm -f hostcall.x

$(FUZZ_XDR_OBJ): $(FUZZ_GEN)/rpc/hostcall_xdr.c
	$(call say,CLANG,$@)
	$(Q)clang $(FUZZ_CFLAGS) -Wno-unused-variable -Wno-unused-parameter -c -o $@ $<

$(FUZZ_DIR)/obj/%.o: %.c $(FUZZ_GEN)/rpc/hostcall.h
	$(call say,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) $(WARN) -c -o $@ $<

define FUZZ_TARGET_RULE
$(FUZZ_DIR)/$(1): $(FUZZ_DIR)/obj/tests/fuzz/$(1).o $$(FUZZ_SRC_$(1):%.c=$(FUZZ_DIR)/obj/%.o) $$(FUZZ_OBJ_$(1))
	$$(call say,CLANG,$$@)
	$(Q)clang $(FUZZ_SAN) -o $$@ $$^ $$(FUZZ_LIBS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_TARGET_RULE,$(t))))

# every string, opaque and array of the .x bounded; each bad sample must be caught
fuzz-xdr-bounds:
	$(Q)scripts/check-xdr-bounds.sh rpc/hostcall.x
	$(Q)for x in tests/fuzz/xdr-bounds-bad/*.x; do \
		if scripts/check-xdr-bounds.sh $$x >/dev/null 2>&1; then \
			echo "check-xdr-bounds.sh: $$x passed; it must fail"; exit 1; fi; done

# (the shared-memory targets below join in: FUZZ_SHM_TARGETS)
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%) fuzz-xdr-bounds
	$(Q)fail=0; $(foreach t,$(FUZZ_TARGETS) $(FUZZ_SHM_TARGETS),FUZZ_OPTS='$(FUZZ_COMMON_OPTS) $(FUZZ_OPTS_$(t))' \
		scripts/fuzz-run.sh $(t) $(FUZZ_SECONDS) $(FUZZ_SEEDS_$(t)) || fail=1;) exit $$fail

fuzz-long: fuzz

fuzz-seeds: $(FUZZ_SEEDED:%=$(FUZZ_DIR)/%)
	$(Q)$(foreach t,$(FUZZ_SEEDED),rm -rf tests/fuzz/corpus/$(t) && mkdir -p tests/fuzz/corpus/$(t) && \
		HC_FUZZ_WRITE_SEEDS=tests/fuzz/corpus/$(t) $(FUZZ_DIR)/$(t) &&) true

.PHONY: fuzz-long fuzz-seeds fuzz-xdr-bounds
-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

# ---- fuzzing: shared memory ----
# The host's side of the KVM backend over fake shared memory whose every read is fresh fuzzer
# bytes (-DHK_SHM_FUZZ: the hooks of hostcall-kvm/shm_access.h, in tests/fuzz/shm_fake.c); a
# second read of the same bytes while handling one request aborts (a double fetch).
FUZZ_SHM_TARGETS := fuzz_channel fuzz_ring
FUZZ_SHM_DIR := build/fuzz/shm
FUZZ_SHM_SRC := tests/fuzz/shm_fake.c tests/fuzz/shm_dispatch.c $(LIB_SRC) $(SHADOW_SRC) servers/log.c \
	hostcall-kvm/ivshmem_server.c hostcall-kvm/kvm_host.c hostcall-kvm/kvm_conn.c
FUZZ_SHM_OBJ := $(FUZZ_SHM_SRC:%.c=$(FUZZ_SHM_DIR)/%.o) $(FUZZ_SHM_DIR)/gen/hostcall_xdr.o
FUZZ_SHM_CFLAGS := -std=c11 -D_GNU_SOURCE -DHK_SHM_FUZZ -g -O1 -MD -MP -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -Iinclude -I$(B)/gen -Itransport -Irpc -Ishadow -Iservers \
	-Ihostcall-kvm -Itests/fuzz $(TIRPC_CFLAGS)

$(FUZZ_SHM_DIR)/%.o: %.c $(GEN_H)
	$(call say,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_SHM_CFLAGS) $(WARN) -c -o $@ $<

$(FUZZ_SHM_DIR)/gen/hostcall_xdr.o: $(GEN_XDR)
	$(call say,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_SHM_CFLAGS) -Wno-unused-variable -Wno-unused-parameter -c -o $@ $<

$(FUZZ_SHM_TARGETS:%=build/fuzz/%): build/fuzz/%: $(FUZZ_SHM_DIR)/tests/fuzz/%.o $(FUZZ_SHM_OBJ)
	$(call say,CLANG,$@)
	$(Q)clang -fsanitize=fuzzer,address,undefined -Wl,--wrap=shadow_call_encoded -o $@ $^ \
		$(TIRPC_LIBS) -lsodium $(SSL_LIBS) -ldl -pthread

fuzz: $(FUZZ_SHM_TARGETS:%=build/fuzz/%)

# only these: kept crashes replayed, then FUZZ_SECONDS each (scripts/fuzz-run.sh)
fuzz-shm: $(FUZZ_SHM_TARGETS:%=build/fuzz/%)
	$(Q)fail=0; for t in $(FUZZ_SHM_TARGETS); do FUZZ_OPTS='$(FUZZ_COMMON_OPTS)' \
		scripts/fuzz-run.sh $$t $(FUZZ_SECONDS) || fail=1; done; exit $$fail

# a thread rewrites the channel as fast as it can while the host's side works on it (make check)
SHM_REWRITE := $(B)/tests/fuzz/shm_rewrite
$(SHM_REWRITE): $(B)/tests/fuzz/shm_rewrite.o $(B)/tests/fuzz/shm_dispatch.o $(SHADOW_OBJ) \
		$(B)/hostcall-kvm/kvm_conn.o $(B)/hostcall-kvm/kvm_host.o $(B)/hostcall-kvm/ivshmem_server.o \
		$(B)/servers/log.o $(LIBA)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -Wl,--wrap=shadow_call_encoded -o $@ $^ $(LDLIBS) -ldl -lcmocka
tests: $(SHM_REWRITE)

.PHONY: fuzz-shm
-include $(shell find $(FUZZ_SHM_DIR) -name '*.d' 2>/dev/null)

HOSTFS_TESTS := $(B)/tests/hostfs/fs_semantics $(B)/tests/hostfs/pipe_check

tests: $(UNIT_BINS) $(INTEG_BINS) $(TRUST_BINS) $(HOSTCALLD) $(DOSH) $(HOSTFS) $(HOSTFS_TESTS) \
	$(B)/tests/netns/wire_check

# One table of the trust campaign's figures: test, figure, limit, pass or FAIL ($(B)/trust.tsv).
SIGNAL_CHECK_SRC := $(sort $(filter-out build/% tests/%,$(wildcard */*.c */*/*.c)))
trust: tests
	$(Q)rm -f $(B)/trust.tsv
	$(Q)! scripts/check-signal-handlers.sh tests/trust/bad/handler.c >/dev/null 2>&1 || \
		{ echo "check-signal-handlers.sh passed a handler calling printf"; exit 1; }
	$(Q)HC_TRUST_FILE=$(B)/trust.tsv scripts/check-signal-handlers.sh $(SIGNAL_CHECK_SRC) | tail -1
	$(Q)HC_TRUST_FILE=$(CURDIR)/$(B)/trust.tsv B=$(B) scripts/run-tests.sh $(TRUST_BINS); r=$$?; \
		scripts/trust-report.sh $(B)/trust.tsv && exit $$r

check:
	$(Q)$(MAKE) --no-print-directory B=build/san SAN=1 tests
	$(Q)B=build/san DOSH=build/san/bin/dosh scripts/run-tests.sh \
		$(UNIT_TESTS:%=build/san/tests/unit/test_%) \
		$(INTEG_TESTS:%=build/san/tests/integration/test_%) \
		$(CHANNEL_TESTS:%='env HC_TEST_TRANSPORT=ivshmem build/san/tests/integration/test_%') \
		build/san/tests/fuzz/shm_rewrite \
		tests/netns/run.sh \
		tests/dosh/run.sh \
		tests/dosh/interactive.sh \
		tests/hostfs/run.sh \
		'env HCGEN_FUZZ_SECONDS=20 tests/hcgen/run.sh'
	$(Q)$(MAKE) --no-print-directory trust B=build/san SAN=1
	$(Q)$(MAKE) --no-print-directory vm-check VM_HOSTCALLD=build/san/bin/hostcalld
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20

# a QEMU guest against hostcalld on this host, over kvm: and tcp: (scripts/vm.sh)
vm-check: all $(B)/tests/vm/guest_check
	$(Q)HOSTCALLD=$(or $(VM_HOSTCALLD),$(HOSTCALLD)) scripts/vm.sh check

vm-shell: all $(B)/tests/vm/guest_check
	$(Q)scripts/vm.sh shell

bench:
	$(Q)$(MAKE) --no-print-directory B=build/bench $(BENCH_BINS:$(B)/%=build/bench/%) \
		build/bench/bin/hostcalld build/bench/bin/dosh build/bench/bin/hostfs
	$(Q)HOSTCALLD=build/bench/bin/hostcalld build/bench/tests/bench/bench_core
	$(Q)HOSTCALLD=build/bench/bin/hostcalld DOSH=build/bench/bin/dosh build/bench/tests/bench/bench_dosh
	$(Q)DOSH=build/bench/bin/dosh build/bench/tests/bench/bench_shell
	$(Q)HOSTCALLD=build/bench/bin/hostcalld build/bench/tests/bench/bench_kvm
	$(Q)HOSTCALLD=build/bench/bin/hostcalld build/bench/tests/bench/bench_stubs
	$(Q)HOSTCALLD=build/bench/bin/hostcalld HOSTFS=build/bench/bin/hostfs scripts/bench-hostfs.sh
	$(Q)HOSTCALLD=build/bench/bin/hostcalld HOSTFS=build/bench/bin/hostfs BENCH_CPU=0 \
		scripts/bench-hostfs.sh
	$(Q)$(MAKE) --no-print-directory all build/tests/vm/guest_check
	$(Q)HOSTCALLD=build/bench/bin/hostcalld scripts/vm.sh bench
	$(Q)scripts/bench-ssh.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(HOSTCALLD) $(DESTDIR)$(PREFIX)/sbin/hostcalld
	install -m 0755 $(DOSH) $(DESTDIR)$(PREFIX)/bin/dosh
	install -m 0755 $(HOSTFS) $(DESTDIR)$(PREFIX)/bin/hostfs
	install -m 0644 $(LIBA) $(DESTDIR)$(PREFIX)/lib/libhostcall.a
	install -m 0755 $(LIBSO) $(DESTDIR)$(PREFIX)/lib/libhostcall.so.1
	ln -sf libhostcall.so.1 $(DESTDIR)$(PREFIX)/lib/libhostcall.so
	install -m 0644 include/hostcall.h $(DESTDIR)$(PREFIX)/include/hostcall.h
	install -m 0644 include/hcgen.h $(DESTDIR)$(PREFIX)/include/hcgen.h
	install -m 0755 $(HCGEN) $(DESTDIR)$(PREFIX)/bin/hcgen
	install -d $(DESTDIR)$(PREFIX)/lib/hostcall/modules
	install -m 0644 man/hcgen.1 $(DESTDIR)$(PREFIX)/share/man/man1/hcgen.1
	sed -e 's|@PREFIX@|$(PREFIX)|' hostcall.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/hostcall.pc
	install -m 0644 man/hostcalld.8 $(DESTDIR)$(PREFIX)/share/man/man8/hostcalld.8
	install -m 0644 man/dosh.1 $(DESTDIR)$(PREFIX)/share/man/man1/dosh.1
	install -m 0644 man/hostfs.1 $(DESTDIR)$(PREFIX)/share/man/man1/hostfs.1

run:
	$(Q)scripts/run.sh

run-loopback:
	$(Q)scripts/run-loopback.sh

clean:
	rm -rf build

.PHONY: all tests check trust bench fuzz install run run-loopback clean vm-check vm-shell
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ==== hcgen: the stub compiler, the code it generates from hcgen/examples/, and their tests ====
#   make hcgen             hcgen, the generated code, the example modules and guest objects, the tests
#   make hcgen-guest       also link the guest example programs (needs hc_module_* in libhostcall)
#   make hcgen-fuzz        the libFuzzer targets of the generated validators (clang)
#   tests/hcgen/run.sh     run the hcgen tests (B=build/san for the sanitised build)
HCGEN := $(B)/bin/hcgen
HCGEN_SRC := hcgen/lexer.c hcgen/parser.c hcgen/check.c hcgen/layout.c hcgen/types.c hcgen/hash.c \
	hcgen/emit_common.c hcgen/emit_guest.c hcgen/emit_host.c hcgen/emit_fuzz.c hcgen/main.c
HCGEN_EXAMPLES := zlib sysinfo hashfile
HCGEN_GEN := $(B)/gen/hcgen
HCGEN_MODDIR := $(B)/lib/hostcall/modules
HCGEN_MODULES := $(HCGEN_EXAMPLES:%=$(HCGEN_MODDIR)/%.so)
HCGEN_GUEST_OBJ := $(HCGEN_EXAMPLES:%=$(HCGEN_GEN)/%_guest.o) $(B)/hcgen/examples/hashfile_main.o
HCGEN_TEST_IFACES := vec names arrays
HCGEN_TESTS := $(B)/tests/hcgen/test_zlib $(B)/tests/hcgen/test_sysinfo $(B)/tests/hcgen/test_hashfile \
	$(B)/tests/hcgen/test_vec $(B)/tests/hcgen/test_names $(B)/tests/hcgen/test_arrays
HCGEN_CFLAGS := $(ALL_CFLAGS) -Ihcgen -I$(HCGEN_GEN)

hcgen: $(HCGEN) $(HCGEN_MODULES) $(HCGEN_GUEST_OBJ) $(HCGEN_TESTS) $(B)/tests/hcgen/load_module
all: hcgen

$(HCGEN): $(HCGEN_SRC:%.c=$(B)/%.o)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDSAN) -o $@ $^ -lsodium

# one run of hcgen writes all five files of a module
$(HCGEN_GEN)/%_guest.h $(HCGEN_GEN)/%_guest.c $(HCGEN_GEN)/%_host.h $(HCGEN_GEN)/%_host.c \
		$(HCGEN_GEN)/%_fuzz.c: hcgen/examples/%.hci $(HCGEN)
	$(call say,HCGEN,$<)
	@mkdir -p $(HCGEN_GEN)
	$(Q)$(HCGEN) -o $(HCGEN_GEN) $<

# test interfaces: what the examples leave out
$(HCGEN_GEN)/%_guest.h $(HCGEN_GEN)/%_guest.c $(HCGEN_GEN)/%_host.h $(HCGEN_GEN)/%_host.c \
		$(HCGEN_GEN)/%_fuzz.c: tests/hcgen/good/%.hci $(HCGEN)
	$(call say,HCGEN,$<)
	@mkdir -p $(HCGEN_GEN)
	$(Q)$(HCGEN) -o $(HCGEN_GEN) $<

# the benchmark's interface (tests/bench/stubs.hci): an empty call and a 1 MiB buffer
$(HCGEN_GEN)/%_guest.h $(HCGEN_GEN)/%_guest.c $(HCGEN_GEN)/%_host.h $(HCGEN_GEN)/%_host.c \
		$(HCGEN_GEN)/%_fuzz.c: tests/bench/%.hci $(HCGEN)
	$(call say,HCGEN,$<)
	@mkdir -p $(HCGEN_GEN)
	$(Q)$(HCGEN) -o $(HCGEN_GEN) $<

HCGEN_GEN_OBJ := $(patsubst %,$(HCGEN_GEN)/%_guest.o,$(HCGEN_EXAMPLES) $(HCGEN_TEST_IFACES) stubs) \
	$(patsubst %,$(HCGEN_GEN)/%_host.o,$(HCGEN_EXAMPLES) stubs)
HCGEN_EX_OBJ := $(B)/hcgen/examples/hashfile_main.o $(B)/hcgen/examples/hashfile_host.o
HCGEN_TEST_OBJ := $(HCGEN_TESTS:%=%.o)

# static pattern rules: the generic $(B)/%.o rule must not take these
$(HCGEN_GEN_OBJ): $(HCGEN_GEN)/%.o: $(HCGEN_GEN)/%.c $(HCGEN_GEN)/%.h
	$(call say,CC,$@)
	$(Q)$(CC) $(HCGEN_CFLAGS) $(WARN) -c -o $@ $<

$(HCGEN_EX_OBJ): $(B)/hcgen/examples/%.o: hcgen/examples/%.c $(HCGEN_EXAMPLES:%=$(HCGEN_GEN)/%_guest.h) \
		$(HCGEN_EXAMPLES:%=$(HCGEN_GEN)/%_host.h)
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HCGEN_CFLAGS) $(WARN) -c -o $@ $<

$(HCGEN_MODDIR)/hashfile.so: $(B)/hcgen/examples/hashfile_host.o
$(HCGEN_MODDIR)/%.so: $(HCGEN_GEN)/%_host.o
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -shared $(LDSAN) -o $@ $^ -ldl $(if $(filter hashfile,$*),-lsodium)

# the validators linked directly into a test with the generated host code: no daemon
$(HCGEN_TEST_OBJ): $(B)/tests/hcgen/test_%.o: tests/hcgen/test_%.c tests/hcgen/hostile.h $(HCGEN_GEN)/%_host.c \
		$(HCGEN_GEN)/%_host.h
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HCGEN_CFLAGS) $(WARN) -c -o $@ $<

$(B)/tests/hcgen/test_hashfile: $(B)/hcgen/examples/hashfile_host.o
$(B)/tests/hcgen/test_%: $(B)/tests/hcgen/test_%.o $(HCGEN_GEN)/%_guest.o
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ -ldl -lz -lsodium -lcmocka

$(B)/tests/hcgen/load_module: tests/hcgen/load_module.c
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(WARN) $(LDSAN) -o $@ $< -ldl

# guest programs: they link once libhostcall has hc_module_open/_block/_call
$(B)/bin/hashfile: $(B)/hcgen/examples/hashfile_main.o $(HCGEN_GEN)/hashfile_guest.o $(LIBA)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)

hcgen-guest: hcgen $(B)/bin/hashfile
all: hcgen-guest

$(B)/tests/bench/stubs_host.o $(B)/tests/bench/bench_stubs.o: ALL_CFLAGS += -I$(HCGEN_GEN)
$(B)/tests/bench/stubs_host.o: $(HCGEN_GEN)/stubs_host.h
$(B)/tests/bench/bench_stubs.o: $(HCGEN_GEN)/stubs_guest.h $(HCGEN_GEN)/zlib_guest.h
$(B)/tests/bench/modules/stubs.so: $(HCGEN_GEN)/stubs_host.o $(B)/tests/bench/stubs_host.o
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -shared $(LDSAN) -o $@ $^
# the generated stubs before libhostcall, whose hc_module_* they call
$(B)/tests/bench/bench_stubs: $(B)/tests/bench/bench_stubs.o $(HCGEN_GEN)/stubs_guest.o \
		$(HCGEN_GEN)/zlib_guest.o $(TEST_SUPPORT) $(LIBA) | $(B)/tests/bench/modules/stubs.so \
		$(HCGEN_MODDIR)/zlib.so
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lz

# the examples end to end: generated stubs, hostcalld, the modules it loads (tests/integration)
$(B)/tests/integration/test_hcgen.o: ALL_CFLAGS += -I$(HCGEN_GEN)
$(B)/tests/integration/test_hcgen.o: $(HCGEN_EXAMPLES:%=$(HCGEN_GEN)/%_guest.h)
$(B)/tests/integration/test_hcgen: $(B)/tests/integration/test_hcgen.o \
		$(HCGEN_EXAMPLES:%=$(HCGEN_GEN)/%_guest.o) $(TEST_SUPPORT) $(LIBA) | $(HCGEN_MODULES)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) -lz -lcmocka

HCGEN_FUZZ := $(patsubst %,build/fuzz/hcgen_%,$(HCGEN_EXAMPLES) $(HCGEN_TEST_IFACES))
build/fuzz/hcgen_%: $(HCGEN_GEN)/%_fuzz.c $(HCGEN_GEN)/%_host.c $(HCGEN_GEN)/%_host.h
	$(call say,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)clang -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -I$(HCGEN_GEN) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(WARN) -o $@ $< -ldl

hcgen-fuzz: $(HCGEN_FUZZ)

.PHONY: hcgen hcgen-guest hcgen-fuzz
# ==== end of hcgen ====
