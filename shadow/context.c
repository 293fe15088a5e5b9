/* context.c: the shadow's own context hostcalls: session info, cwd and environment. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmap.h"
#include "shadow.h"

extern char **environ;

static hc_err last_err(void)
{
	return hc_err_from_errno(errno);
}

int shadow_info(struct shadow *sh, void *args, void *res)
{
	hc_info_res *r = res;
	hc_session_desc *d = &r->hc_info_res_u.info;
	char host[HC_NAME_MAX] = "";
	struct passwd *pw = getpwuid(getuid());

	(void)sh;
	(void)args;
	gethostname(host, sizeof(host) - 1);
	d->hostname = strdup(host);
	d->user = strndup(pw ? pw->pw_name : "?", HC_NAME_MAX - 1);
	d->uid = getuid();
	d->shadow_pid = getpid();
	d->protocol_version = HC_PROTOCOL_VERSION;
	r->err = d->hostname && d->user ? HC_OK : HC_ENOMEM;
	if (r->err != HC_OK) {
		free(d->hostname);
		free(d->user);
	}
	return 0;
}

int shadow_getcwd(struct shadow *sh, void *args, void *res)
{
	hc_path_res *r = res;
	char *cwd = malloc(HC_PATH_MAX + 1);

	(void)sh;
	(void)args;
	if (!cwd) {
		r->err = HC_ENOMEM;
	} else if (!getcwd(cwd, HC_PATH_MAX + 1)) {
		r->err = errno == ERANGE ? HC_ENAMETOOLONG : last_err();
		free(cwd);
	} else {
		r->err = HC_OK;
		r->hc_path_res_u.path = cwd;
	}
	return 0;
}

int shadow_chdir(struct shadow *sh, void *args, void *res)
{
	hc_path *p = args;
	hc_err *r = res;

	(void)sh;
	*r = chdir(*p) == 0 ? HC_OK : last_err();
	return 0;
}

static int name_ok(const char *name)
{
	return name[0] != '\0' && !strchr(name, '=');
}

int shadow_getenv(struct shadow *sh, void *args, void *res)
{
	hc_name *n = args;
	hc_value_res *r = res;
	const char *v;

	(void)sh;
	if (!name_ok(*n)) {
		r->err = HC_EINVAL;
		return 0;
	}
	v = getenv(*n);
	if (!v) {
		r->err = HC_ENOENT;
	} else if (strlen(v) > HC_VALUE_MAX) {
		r->err = HC_E2BIG;
	} else {
		r->hc_value_res_u.value = strdup(v);
		r->err = r->hc_value_res_u.value ? HC_OK : HC_ENOMEM;
	}
	return 0;
}

int shadow_setenv(struct shadow *sh, void *args, void *res)
{
	hc_setenv_args *a = args;
	hc_err *r = res;

	(void)sh;
	if (!name_ok(a->name))
		*r = HC_EINVAL;
	else
		*r = setenv(a->name, a->value, a->overwrite) == 0 ? HC_OK : last_err();
	return 0;
}

int shadow_unsetenv(struct shadow *sh, void *args, void *res)
{
	hc_name *n = args;
	hc_err *r = res;

	(void)sh;
	*r = name_ok(*n) && unsetenv(*n) == 0 ? HC_OK : HC_EINVAL;
	return 0;
}

static hc_err environ_copy(hc_envv *out)
{
	u_int n = 0;

	while (environ[n])
		if (++n > HC_ENV_MAX)
			return HC_E2BIG;
	out->hc_envv_val = calloc(n + 1, sizeof(char *));
	if (!out->hc_envv_val)
		return HC_ENOMEM;
	out->hc_envv_len = n;
	for (u_int i = 0; i < n; i++) {
		if (strlen(environ[i]) > HC_ARG_MAX)
			return HC_E2BIG;
		if (!(out->hc_envv_val[i] = strdup(environ[i])))
			return HC_ENOMEM;
	}
	return HC_OK;
}

int shadow_environ(struct shadow *sh, void *args, void *res)
{
	hc_envv_res *r = res;

	(void)sh;
	(void)args;
	r->err = environ_copy(&r->hc_envv_res_u.env);
	if (r->err != HC_OK) {
		/* the union arm is not encoded on error: free it here */
		for (u_int i = 0; i < r->hc_envv_res_u.env.hc_envv_len; i++)
			free(r->hc_envv_res_u.env.hc_envv_val[i]);
		free(r->hc_envv_res_u.env.hc_envv_val);
		memset(&r->hc_envv_res_u.env, 0, sizeof(r->hc_envv_res_u.env));
	}
	return 0;
}
