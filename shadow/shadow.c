/* shadow.c: the life of a shadow process: set-up in the forked process, the serve loop, the end. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "shadow.h"
#include "tunnel.h"

int64_t shadow_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int stdio_to_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

int shadow_signal_fd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int open_signals(struct shadow *sh)
{
	int fd = shadow_signal_fd();

	if (fd < 0)
		return fd;
	sh->sig_fd = fd_lift(fd);
	return sh->sig_fd < 0 ? sh->sig_fd : 0;
}

int shadow_init(struct shadow *sh, const struct shadow_opts *opts, int ctl_fd)
{
	int r;

	memset(sh, 0, sizeof(*sh));
	sh->opts = *opts;
	sh->authenticated = opts->authenticated;
	sh->sig_fd = -1;
	sh->tls_deliveries[0] = sh->tls_deliveries[1] = -1;
	if ((r = handles_init(&sh->handles, handles_limit_from_rlimit())) != 0)
		return r;
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
		return -errno;
	if ((r = open_signals(sh)) != 0 || (r = stdio_to_null()) != 0)
		return r;
	sh->ctl_fd = ctl_fd >= 0 ? fd_lift(ctl_fd) : -1;
	if (ctl_fd >= 0 && sh->ctl_fd < 0)
		return sh->ctl_fd;
	if (!sh->authenticated && opts->auth_timeout_s > 0)
		alarm((unsigned)opts->auth_timeout_s);   /* SIGALRM ends a session that never proves itself */
	return 0;
}

void shadow_set_conn(struct shadow *sh, const struct shadow_conn_ops *ops, void *conn)
{
	sh->conn_ops = ops;
	sh->conn = conn;
}

int shadow_run(struct shadow *sh)
{
	while (!sh->ending) {
		int r = shadow_poll_once(sh, -1, 1);
		if (r < 0) {
			log_err("poll: %s", strerror(-r));
			break;
		}
	}
	if (sh->conn_ops)
		sh->conn_ops->close(sh->conn);
	sh->conn_ops = NULL;
	pumps_close_all(sh);
	shadow_end_children(sh);
	handles_close_all(&sh->handles);
	if (hc_tunnel_drain(SHADOW_TLS_DRAIN_MS) > 0)
		log_warn("TLS streams still open at the end of the session");
	modules_close_all(sh);
	if (sh->ctl_fd >= 0)
		close(sh->ctl_fd);
	streams_close_tls(sh);
	close(sh->sig_fd);
	return 0;
}
