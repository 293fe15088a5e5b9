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

#define log_err(...) hc_log_msg(HC_LOG_ERR, __func__, __LINE__, __VA_ARGS__)
#define log_warn(...) hc_log_msg(HC_LOG_WARN, __func__, __LINE__, __VA_ARGS__)
#define log_info(...) hc_log_msg(HC_LOG_INFO, __func__, __LINE__, __VA_ARGS__)
#define log_debug(...) hc_log_msg(HC_LOG_DEBUG, __func__, __LINE__, __VA_ARGS__)

#endif
