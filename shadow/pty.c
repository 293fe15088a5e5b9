/* pty.c: pseudo-terminals in the shadow: open a pair, set its window size, take back unread input. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "errmap.h"
#include "shadow.h"

int shadow_pty_open(struct shadow *sh, void *args, void *res)
{
	hc_pty_res *r = res;
	char name[128];
	int m, sl, hm, hs;

	(void)args;
	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, name, sizeof(name)) != 0) {
		r->err = hc_err_from_errno(errno);
		if (m >= 0)
			close(m);
		return 0;
	}
	if ((sl = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		r->err = hc_err_from_errno(errno);
		close(m);
		return 0;
	}
	if ((hm = handles_add(&sh->handles, m)) < 0) {
		close(sl);
		r->err = hc_err_from_errno(-hm);
		return 0;
	}
	if ((hs = handles_add(&sh->handles, sl)) < 0) {
		handles_close(&sh->handles, hm);
		r->err = hc_err_from_errno(-hs);
		return 0;
	}
	r->hc_pty_res_u.pty.master = hm;
	r->hc_pty_res_u.pty.slave = hs;
	r->err = HC_OK;
	return 0;
}

int shadow_pty_resize(struct shadow *sh, void *args, void *res)
{
	hc_winsize *a = args;
	hc_err *r = res;
	int fd = handles_fd(&sh->handles, a->master);
	struct winsize ws = { .ws_row = (unsigned short)a->rows, .ws_col = (unsigned short)a->cols };

	if (fd < 0 || a->rows > 65535 || a->cols > 65535)
		*r = fd < 0 ? HC_EBADF : HC_EINVAL;
	else
		*r = ioctl(fd, TIOCSWINSZ, &ws) == 0 ? HC_OK : hc_err_from_errno(errno);
	return 0;
}

/*
 * The input a program on the pty left unread (typed ahead, or after it ended),
 * partial line included: read non-canonically, then the modes are put back.
 */
int shadow_pty_unread(struct shadow *sh, void *args, void *res)
{
	hc_handle *a = args;
	hc_data_res *r = res;
	int fd = handles_fd(&sh->handles, *a);
	struct termios saved, now;
	char *buf;
	ssize_t n = 0, got;

	if (fd < 0 || !isatty(fd) || tcgetattr(fd, &saved) != 0) {
		r->err = fd < 0 ? HC_EBADF : HC_ENOTTY;
		return 0;
	}
	if (!(buf = malloc(HC_UNREAD_MAX))) {
		r->err = HC_ENOMEM;
		return 0;
	}
	now = saved;
	now.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	now.c_cc[VMIN] = 0;
	now.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSANOW, &now);
	while (n < HC_UNREAD_MAX && (got = read(fd, buf + n, (size_t)(HC_UNREAD_MAX - n))) > 0)
		n += got;
	tcsetattr(fd, TCSANOW, &saved);
	r->err = HC_OK;
	r->hc_data_res_u.data.hc_data_len = (u_int)n;
	r->hc_data_res_u.data.hc_data_val = buf;
	return 0;
}
