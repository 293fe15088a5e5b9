/* log.c: levelled logging with the caller's function and line, to stderr or syslog. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_ident = "hostcall";
static enum hc_log_level log_threshold = HC_LOG_INFO;
static int log_to_syslog;

static const char *const level_names[] = { "error", "warn", "info", "debug" };
static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void hc_log_init(const char *ident, enum hc_log_level level, int use_syslog)
{
	log_ident = ident;
	log_threshold = level;
	log_to_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int hc_log_level_parse(const char *name)
{
	for (int i = 0; i <= HC_LOG_DEBUG; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

void hc_log_msg(enum hc_log_level level, const char *func, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level > log_threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_to_syslog) {
		syslog(syslog_prio[level], "%s: %s", func, msg);
		return;
	}
	fprintf(stderr, "%s[%d]: %s: %s:%d: %s\n", log_ident, (int)getpid(), level_names[level],
		func, line, msg);
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hc_log_allow(struct hc_log_limit *l, unsigned *left_out)
{
	long long now = monotonic_ms();

	*left_out = 0;
	if (l->window_end_ms && now < l->window_end_ms) {
		l->left_out++;
		return 0;
	}
	*left_out = l->left_out;
	l->left_out = 0;
	l->window_end_ms = now + HC_LOG_LIMIT_S * 1000LL;
	return 1;
}
