/* stubs_host.c: the host half of tests/bench/stubs.hci: an empty function and a buffer turned around. */
#include "stubs_host.h"

int32_t nothing(void)
{
	return 0;
}

int32_t touch(uint8_t *buf, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i]++;
	return 0;
}
