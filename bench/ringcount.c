// SPDX-License-Identifier: Apache-2.0
/*
 * ringcount - the least a user-space reader of skb:kfree_skb perf rings can do: open the
 * tracepoint on every online CPU with the perf_event_attr dropscope uses (sample_period 1,
 * sample_type RAW, wakeup at a quarter of the ring), and count the records, nothing else.
 * bench/live.sh runs it next to dropscope: whatever slowdown both share is the kernel's cost of
 * writing the samples, which no reader can avoid.
 *
 * usage: ringcount TRACEPOINT_ID [DATA_PAGES]   (DATA_PAGES: power of two, default 256)
 * Prints "Counting." once the events are enabled; on SIGINT or SIGTERM disables them, drains
 * the rings and prints "samples=N lost=M".
 *
 * Build: cc -O2 -Wall -o ringcount ringcount.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_CPUS 256

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

struct ring {
	int fd;
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	uint64_t size;
};

static uint64_t samples, lost;

static void drain(struct ring *r)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;

	while (tail < head) {
		struct perf_event_header h;
		uint64_t off = tail & (r->size - 1);

		/* Records are 8-byte aligned, so a header never wraps. */
		memcpy(&h, r->data + off, sizeof(h));
		if (h.size < sizeof(h))
			break;
		if (h.type == PERF_RECORD_SAMPLE) {
			samples++;
		} else if (h.type == PERF_RECORD_LOST) {
			/* u64 id, u64 lost: each field is 8-byte aligned, but the second may wrap. */
			uint64_t n;

			memcpy(&n, r->data + ((off + sizeof(h) + 8) & (r->size - 1)), sizeof(n));
			lost += n;
		}
		tail += h.size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
}

int main(int argc, char **argv)
{
	static struct ring rings[MAX_CPUS];
	static struct pollfd fds[MAX_CPUS];
	long page = sysconf(_SC_PAGESIZE);
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long pages = argc > 2 ? strtoul(argv[2], NULL, 10) : 256;
	struct perf_event_attr attr;

	if (argc < 2 || pages == 0 || (pages & (pages - 1)) != 0 || ncpu > MAX_CPUS) {
		fputs("usage: ringcount TRACEPOINT_ID [DATA_PAGES]\n", stderr);
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = strtoull(argv[1], NULL, 10);
	attr.sample_period = 1;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.disabled = 1;
	attr.watermark = 1;
	attr.wakeup_watermark = (uint32_t)(pages * (unsigned long)page / 4);

	/* Assumes online CPUs are 0..ncpu-1, as on the benchmark machine. */
	for (int c = 0; c < ncpu; c++) {
		struct ring *r = &rings[c];

		r->fd = (int)syscall(SYS_perf_event_open, &attr, -1, c, -1, PERF_FLAG_FD_CLOEXEC);
		if (r->fd < 0) {
			perror("perf_event_open");
			return 1;
		}
		void *m = mmap(NULL, (pages + 1) * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
		if (m == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		r->meta = m;
		r->data = (unsigned char *)m + page;
		r->size = pages * (uint64_t)page;
		fds[c].fd = r->fd;
		fds[c].events = POLLIN;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (int c = 0; c < ncpu; c++)
		ioctl(rings[c].fd, PERF_EVENT_IOC_ENABLE, 0);
	puts("Counting.");
	fflush(stdout);
	while (!stopping) {
		if (poll(fds, (nfds_t)ncpu, 100) < 0 && errno != EINTR) {
			perror("poll");
			break;
		}
		for (int c = 0; c < ncpu; c++)
			drain(&rings[c]);
	}
	for (int c = 0; c < ncpu; c++)
		ioctl(rings[c].fd, PERF_EVENT_IOC_DISABLE, 0);
	usleep(20000);
	for (int c = 0; c < ncpu; c++) {
		drain(&rings[c]);
		munmap(rings[c].meta, (pages + 1) * (size_t)page);
		close(rings[c].fd);
	}
	printf("samples=%llu lost=%llu\n", (unsigned long long)samples, (unsigned long long)lost);
	return 0;
}
