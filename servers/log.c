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
