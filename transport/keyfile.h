/* keyfile.h: the shared key file: creating it 0600, refusing a readable one, loading it. */
#ifndef HC_KEYFILE_H
#define HC_KEYFILE_H

#include <stdint.h>

#define HC_KEY_LEN 32

/*
 * hc_key_load - read the key in @path (64 hex digits and a newline).
 * Returns: 0, -EPERM when group or others may read or write it, -EINVAL when
 * it is malformed, or another -errno.
 */
int hc_key_load(const char *path, uint8_t key[HC_KEY_LEN]);

/*
 * hc_key_load_or_create - load @path, or create it with a fresh random key
 * and mode 0600 when it does not exist. Returns: 0 or -errno as hc_key_load().
 */
int hc_key_load_or_create(const char *path, uint8_t key[HC_KEY_LEN]);

#endif
