/* shm_fake.h: fake shared memory for the fuzz targets: every read returns fresh fuzzer bytes, a double fetch aborts. */
#ifndef HK_SHM_FAKE_H
#define HK_SHM_FAKE_H

#include <stddef.h>
#include <stdint.h>

/*
 * shm_fake_map - the fake memory: the header and @nchannels channels, laid
 * out as hk_layout_init lays them, between two inaccessible guard pages.
 * Mapped once; later calls return the same. Returns: its start.
 */
void *shm_fake_map(int nchannels);

/*
 * shm_fake_feed - the bytes every read of shared memory takes its value from,
 * in order, from now on (zeros once they run out); the reads so far are forgotten.
 */
void shm_fake_feed(const uint8_t *data, size_t size);

/* shm_fake_left - bytes of the feed not yet taken. */
size_t shm_fake_left(void);

/* shm_fake_take32 - the next four bytes of the feed, for the harness's own choices. */
uint32_t shm_fake_take32(void);

/* shm_fake_reads - reads through the hooks since the feed began (a figure for the report). */
unsigned long shm_fake_reads(void);

#endif
