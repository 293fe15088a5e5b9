/* daemon.h: hostcalld's main loop: listeners, session admission, stream routing, shadow reaping. */
#ifndef HC_DAEMON_H
#define HC_DAEMON_H

#define DAEMON_LISTEN_MAX 8
#define DAEMON_MODULE_DIRS_MAX 16  /* SHADOW_MODULE_DIRS_MAX */

struct daemon_opts {
	const char *listen[DAEMON_LISTEN_MAX];
	int nlisten;
	const char *keyfile;
	const char *address_file;  /* where the bound addresses are written, one per line */
	int allow_remote;          /* tcp: may listen beyond loopback (in TLS only) */
	int tls;                   /* TLS required on every listener, loopback and unix: too */
	const char *tls_cert;      /* PEM files: mutual TLS with certificates instead of the PSK */
	const char *tls_cert_key;
	const char *tls_ca;
	int rpcbind;               /* register tcp: listeners with the local rpcbind */
	int max_sessions;
	int max_unauth;
	int auth_timeout_s;
	int grace_ms;
	const char *kvm_socket;    /* the ivshmem-doorbell server's socket, or NULL */
	const char *kvm_shm;       /* its memory's /dev/shm name, or NULL: anonymous */
	int kvm_channels;
	const char *module_dirs[DAEMON_MODULE_DIRS_MAX];  /* absolute: where NAME.so is looked for, in order */
	int nmodule_dirs;
};

/* daemon_run - serve until SIGTERM/SIGINT. Returns: the process exit code. */
int daemon_run(const struct daemon_opts *o);

#endif
