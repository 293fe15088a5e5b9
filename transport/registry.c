/* registry.c: the one explicit table of transport backends, looked up by URL scheme. */
#include <errno.h>
#include <string.h>

#include "transport.h"
#include "kvm_client.h"
#include "oncrpc_client.h"

static const struct hc_transport_ops *const backends[] = {
	&oncrpc_tcp_ops,
	&oncrpc_unix_ops,
	&kvm_pci_ops,
	&kvm_socket_ops,
};

const struct hc_transport_ops *hc_transport_lookup(const char *url, const char **where)
{
	const char *colon = strchr(url, ':');
	size_t n;

	if (!colon)
		return NULL;
	n = (size_t)(colon - url);
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (strlen(backends[i]->scheme) == n && strncmp(url, backends[i]->scheme, n) == 0) {
			if (where)
				*where = colon + 1;
			return backends[i];
		}
	}
	return NULL;
}

int hc_transport_open(const char *url, const struct hc_open_params *p, struct hc_transport **out)
{
	const char *where;
	const struct hc_transport_ops *ops = hc_transport_lookup(url, &where);

	if (!strchr(url, ':'))
		return -EINVAL;
	if (!ops)
		return -EPROTONOSUPPORT;
	return ops->open(where, p, out);
}
