/* hostcalld.c: the host daemon's command line: options, logging, then the daemon loop. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "handles.h"
#include "log.h"
#include "rpc/hostcall.h"

#ifndef HC_MODULE_DIR
#define HC_MODULE_DIR "/usr/local/lib/hostcall/modules"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostcalld --listen URL [--listen URL]... [--key FILE] [options]\n"
		"  --listen URL        tcp://HOST:PORT or unix:/PATH (repeatable)\n"
		"  --kvm SOCKET        serve VMs: the ivshmem-doorbell server QEMU joins\n"
		"  --kvm-shm NAME      its shared memory as /dev/shm/NAME (default: anonymous)\n"
		"  --channels N        sessions the shared memory holds, 1 to 64 (default 16)\n"
		"  --key FILE          shared key for tcp: (created 0600 if absent)\n"
		"  --allow-remote      let tcp: listen beyond loopback (TLS required there)\n"
		"  --tls               require TLS on every listener, loopback and unix: too\n"
		"  --tls-cert F --tls-key F --tls-ca F\n"
		"                      mutual TLS with certificates (PEM) instead of the key's PSK\n"
		"  --rpcbind           register tcp: listeners with the local rpcbind\n"
		"  --max-sessions N    sessions at once (default 64)\n"
		"  --max-unauth N      unauthenticated connections at once (default 16)\n"
		"  --auth-timeout S    seconds to authenticate (default 10)\n"
		"  --grace-ms MS       SIGHUP to SIGKILL for a session's children (default 1000)\n"
		"  --module-dir DIR    where host modules NAME.so are loaded from, searched in\n"
		"                      order (repeatable; default " HC_MODULE_DIR ")\n"
		"  --address-file F    write the bound addresses to F\n"
		"  --log-level L       error, warn, info or debug (default info)\n"
		"  --syslog            log to syslog instead of stderr\n"
		"  --help, --version\n");
}

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

enum { O_KEY = 256, O_ALLOW, O_MAXS, O_MAXU, O_AUTHT, O_GRACE, O_ADDR, O_LEVEL, O_SYSLOG,
       O_VERSION, O_RPCBIND, O_KVM, O_KVM_SHM, O_CHANNELS, O_MODDIR, O_TLS, O_TLS_CERT,
       O_TLS_KEY, O_TLS_CA };

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "key", required_argument, NULL, O_KEY },
	{ "allow-remote", no_argument, NULL, O_ALLOW },
	{ "tls", no_argument, NULL, O_TLS },
	{ "tls-cert", required_argument, NULL, O_TLS_CERT },
	{ "tls-key", required_argument, NULL, O_TLS_KEY },
	{ "tls-ca", required_argument, NULL, O_TLS_CA },
	{ "kvm", required_argument, NULL, O_KVM },
	{ "kvm-shm", required_argument, NULL, O_KVM_SHM },
	{ "channels", required_argument, NULL, O_CHANNELS },
	{ "rpcbind", no_argument, NULL, O_RPCBIND },
	{ "max-sessions", required_argument, NULL, O_MAXS },
	{ "max-unauth", required_argument, NULL, O_MAXU },
	{ "auth-timeout", required_argument, NULL, O_AUTHT },
	{ "grace-ms", required_argument, NULL, O_GRACE },
	{ "module-dir", required_argument, NULL, O_MODDIR },
	{ "address-file", required_argument, NULL, O_ADDR },
	{ "log-level", required_argument, NULL, O_LEVEL },
	{ "syslog", no_argument, NULL, O_SYSLOG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *what, const char *value)
{
	fprintf(stderr, "hostcalld: invalid %s: '%s'\n", what, value);
	return 2;
}

/* Module directories are absolute, so that no shadow's cwd (the guest's to change) ever counts. */
static int add_module_dir(struct daemon_opts *o, const char *dir)
{
	static char absdirs[DAEMON_MODULE_DIRS_MAX][PATH_MAX];
	char cwd[PATH_MAX], *slot;

	if (o->nmodule_dirs == DAEMON_MODULE_DIRS_MAX)
		return bad("--module-dir (too many)", dir);
	slot = absdirs[o->nmodule_dirs];
	if (dir[0] == '\0')
		return bad("--module-dir", dir);
	if (dir[0] == '/') {
		if ((size_t)snprintf(slot, PATH_MAX, "%s", dir) >= PATH_MAX)
			return bad("--module-dir (too long)", dir);
	} else if (!getcwd(cwd, sizeof(cwd)) ||
		   (size_t)snprintf(slot, PATH_MAX, "%s/%s", cwd, dir) >= PATH_MAX) {
		return bad("--module-dir (cannot make it absolute)", dir);
	}
	o->module_dirs[o->nmodule_dirs++] = slot;
	return 0;
}

static int parse_option(int c, struct daemon_opts *o, int *level, int *use_syslog)
{
	switch (c) {
	case 'l':
		if (o->nlisten == DAEMON_LISTEN_MAX)
			return bad("--listen (too many)", optarg);
		o->listen[o->nlisten++] = optarg;
		return 0;
	case O_KEY: o->keyfile = optarg; return 0;
	case O_ALLOW: o->allow_remote = 1; return 0;
	case O_TLS: o->tls = 1; return 0;
	case O_TLS_CERT: o->tls_cert = optarg; return 0;
	case O_TLS_KEY: o->tls_cert_key = optarg; return 0;
	case O_TLS_CA: o->tls_ca = optarg; return 0;
	case O_KVM: o->kvm_socket = optarg; return 0;
	case O_KVM_SHM: o->kvm_shm = optarg; return 0;
	case O_CHANNELS: return parse_int(optarg, 1, 64, &o->kvm_channels) ? bad("--channels", optarg) : 0;
	case O_RPCBIND: o->rpcbind = 1; return 0;
	case O_MAXS: return parse_int(optarg, 1, 1024, &o->max_sessions) ? bad("--max-sessions", optarg) : 0;
	case O_MAXU: return parse_int(optarg, 1, 256, &o->max_unauth) ? bad("--max-unauth", optarg) : 0;
	case O_AUTHT: return parse_int(optarg, 1, 3600, &o->auth_timeout_s) ? bad("--auth-timeout", optarg) : 0;
	case O_GRACE: return parse_int(optarg, 0, 60000, &o->grace_ms) ? bad("--grace-ms", optarg) : 0;
	case O_ADDR: o->address_file = optarg; return 0;
	case O_MODDIR: return add_module_dir(o, optarg);
	case O_LEVEL: return (*level = hc_log_level_parse(optarg)) < 0 ? bad("--log-level", optarg) : 0;
	case O_SYSLOG: *use_syslog = 1; return 0;
	case 'h': usage(stdout); exit(0);
	case O_VERSION: printf("hostcalld, protocol %d\n", HC_PROTOCOL_VERSION); exit(0);
	default: usage(stderr); return 2;
	}
}

int main(int argc, char **argv)
{
	struct daemon_opts o = { .max_sessions = 64, .max_unauth = 16, .auth_timeout_s = 10,
				 .grace_ms = 1000, .kvm_channels = 16 };
	int c, r, level = HC_LOG_INFO, use_syslog = 0;

	while ((c = getopt_long(argc, argv, "l:h", longopts, NULL)) != -1)
		if ((r = parse_option(c, &o, &level, &use_syslog)) != 0)
			return r;
	if (optind < argc)
		return bad("argument", argv[optind]);
	if (o.nlisten == 0 && !o.kvm_socket) {
		fprintf(stderr, "hostcalld: nothing to listen on: give --listen tcp://127.0.0.1:PORT, "
				"--listen unix:/PATH or --kvm SOCKET\n");
		return 2;
	}
	if ((o.tls_cert != NULL) != (o.tls_cert_key != NULL) || (o.tls_cert != NULL) != (o.tls_ca != NULL)) {
		fprintf(stderr, "hostcalld: --tls-cert, --tls-key and --tls-ca go together\n");
		return 2;
	}
	if (o.tls_cert && (access(o.tls_cert, R_OK) || access(o.tls_cert_key, R_OK) ||
			   access(o.tls_ca, R_OK))) {
		fprintf(stderr, "hostcalld: cannot read --tls-cert, --tls-key or --tls-ca: %s\n",
			strerror(errno));
		return 2;
	}
	if (o.nmodule_dirs == 0)
		o.module_dirs[o.nmodule_dirs++] = HC_MODULE_DIR;
	hc_log_init("hostcalld", (enum hc_log_level)level, use_syslog);
	fd_limit_raise();   /* each VM or ivshmem: peer holds an eventfd per channel here */
	return daemon_run(&o);
}
