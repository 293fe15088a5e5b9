/* log.h: levelled, format-checked logging to stderr or syslog, carrying the caller's location. */
#ifndef HC_LOG_H
#define HC_LOG_H

enum hc_log_level { HC_LOG_ERR = 0, HC_LOG_WARN = 1, HC_LOG_INFO = 2, HC_LOG_DEBUG = 3 };

/* hc_log_init - name the program, set the lowest level shown, choose syslog or stderr. */
void hc_log_init(const char *ident, enum hc_log_level level, int use_syslog);

/* hc_log_level_parse - "error", "warn", "info" or "debug". Returns: the level or -1. */
int hc_log_level_parse(const char *name);

void hc_log_msg(enum hc_log_level level, const char *func, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * A message that peers can provoke once per connection or call (a refusal, a timeout): at
 * most one line each HC_LOG_LIMIT_S seconds from each place that logs it, so that a flood
 * of connections never becomes a flood of log lines. The next line that is written says
 * how many were left out before it.
 */
#define HC_LOG_LIMIT_S 10

struct hc_log_limit {
	long long window_end_ms;        /* monotonic; 0: no line written yet */
	unsigned left_out;
};

/* hc_log_allow - may a line limited by @l be written now? *@left_out: lines left out before it. */
int hc_log_allow(struct hc_log_limit *l, unsigned *left_out);

#define log_limited(level, ...)                                                                  \
	do {                                                                                      \
		static struct hc_log_limit hc_limit_;                                             \
		unsigned hc_left_out_;                                                            \
		if (hc_log_allow(&hc_limit_, &hc_left_out_)) {                                    \
			hc_log_msg(level, __func__, __LINE__, __VA_ARGS__);                       \
			if (hc_left_out_)                                                         \
				hc_log_msg(level, __func__, __LINE__,                             \
					   "(%u more like the line above went unlogged before it)", \
					   hc_left_out_);                                         \
		}                                                                                 \
	} while (0)
#define log_warn_limited(...) log_limited(HC_LOG_WARN, __VA_ARGS__)

#define log_err(...) hc_log_msg(HC_LOG_ERR, __func__, __LINE__, __VA_ARGS__)
#define log_warn(...) hc_log_msg(HC_LOG_WARN, __func__, __LINE__, __VA_ARGS__)
#define log_info(...) hc_log_msg(HC_LOG_INFO, __func__, __LINE__, __VA_ARGS__)
#define log_debug(...) hc_log_msg(HC_LOG_DEBUG, __func__, __LINE__, __VA_ARGS__)

#endif
