// SPDX-License-Identifier: Apache-2.0
/*
 * handover - hands skb:kfree_skb drops from one perf sampler to the next every few milliseconds,
 * the way dropscope hands a hot key to a counting event (docs/architecture.md, "Hot keys"), and
 * counts every drop once. Run it next to bench/dropsend.c: if the kernel did not run a
 * tracepoint's newer perf events before its older ones within one drop, the count would differ
 * from dropsend's snmp_drops by the drops that fell into the hand-overs.
 *
 * Per CPU, one perf group, all members opened before any is enabled (a member that joins while a
 * sibling samples can corrupt that sibling's sample): a counting leader whose filter matches
 * nothing and which owns the ring, SAMPLERS samplers (IDENTIFIER | READ of the group | RAW) whose
 * records go to the leader's ring, and one counter. A hand-over enables the next sampler (and,
 * with -p, once, the counter filtered to the busiest key, with the next sampler excluding it),
 * then disables the current one. A sample of sampler g is a duplicate when its successor's value
 * in the sample's group read is above 0.
 *
 * usage: handover TRACEPOINT_ID SWAP_MS [-p PROMOTE_MS] [-n SAMPLERS]
 *   TRACEPOINT_ID  /sys/kernel/tracing/events/skb/kfree_skb/id
 *   SWAP_MS        milliseconds between two sampler hand-overs (0: none)
 *   -p PROMOTE_MS  hand the busiest (location, reason) to the counter after this long
 *   -n SAMPLERS    samplers per CPU, at most 64 (default 64): SAMPLERS - 1 hand-overs in all
 * Assumes the 6.11+ layout of the event (location at 16, reason at 36) and CPUs 0..N-1 online.
 * Prints "Counting." once enabled; on SIGINT or SIGTERM stops, drains and prints
 * "count=N dups=D lost=L handovers=H" and the count per key.
 *
 * Build: cc -O2 -Wall -o handover handover.c
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
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 64
#define MAX_SAMPLERS 64
#define MAX_KEYS 1024
#define PAGES 256
#define LOCATION 16
#define REASON 36

struct cpu {
	int leader, samplers[MAX_SAMPLERS], counter;
	uint64_t ids[MAX_SAMPLERS], seen[MAX_SAMPLERS];
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	uint64_t size;
};

static volatile sig_atomic_t stopping;
static struct cpu cpus[MAX_CPUS];
static int ncpu, nsamplers, generation;
static int promoted_at = -1;	/* the generation whose hand-over promoted the key */
static uint64_t key_location;
static uint32_t key_reason;
static uint64_t dups, lost_records, malformed;
static uint64_t tally_location[MAX_KEYS], tally_n[MAX_KEYS];
static uint32_t tally_reason[MAX_KEYS];
static int ntally;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int open_event(struct perf_event_attr *a, int cpu, int group)
{
	int fd = (int)syscall(SYS_perf_event_open, a, -1, cpu, group, PERF_FLAG_FD_CLOEXEC);

	if (fd < 0)
		die("perf_event_open");
	return fd;
}

static void tally(uint64_t location, uint32_t reason)
{
	for (int i = 0; i < ntally; i++) {
		if (tally_location[i] == location && tally_reason[i] == reason) {
			tally_n[i]++;
			return;
		}
	}
	if (ntally < MAX_KEYS) {
		tally_location[ntally] = location;
		tally_reason[ntally] = reason;
		tally_n[ntally++] = 1;
	}
}

/* Group read order: leader, samplers 0..n-1, counter. */
static uint64_t value(const unsigned char *values, int index)
{
	uint64_t v;

	memcpy(&v, values + 8 * index, 8);
	return v;
}

static void drain(struct cpu *p)
{
	uint64_t head = __atomic_load_n(&p->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = p->meta->data_tail;
	unsigned char rec[8192];

	while (tail < head) {
		struct perf_event_header h;
		uint64_t off = tail & (p->size - 1);

		memcpy(&h, p->data + off, sizeof(h));
		if (h.size < sizeof(h) || h.size > sizeof(rec))
			break;
		for (unsigned i = 0; i < h.size; i++)
			rec[i] = p->data[(off + i) & (p->size - 1)];
		if (h.type == PERF_RECORD_SAMPLE) {
			uint64_t id, nr, location;
			uint32_t raw_size, reason;
			int g = -1;

			memcpy(&id, rec + 8, 8);
			memcpy(&nr, rec + 16, 8);
			for (int i = 0; i < nsamplers; i++)
				if (p->ids[i] == id)
					g = i;
			unsigned raw = 24 + 8 * (unsigned)nr;
			if (g < 0 || nr != (uint64_t)nsamplers + 2 || raw + 4 > h.size) {
				malformed++;
				goto next;
			}
			p->seen[g]++;
			memcpy(&raw_size, rec + raw, 4);
			if (raw_size < REASON + 4 || raw + 4 + raw_size > h.size) {
				malformed++;
				goto next;
			}
			memcpy(&location, rec + raw + 4 + LOCATION, 8);
			memcpy(&reason, rec + raw + 4 + REASON, 4);
			if (g + 1 < nsamplers) {
				int successor = g == promoted_at && location == key_location && reason == key_reason
					? 1 + nsamplers : 1 + g + 1;
				if (value(rec + 24, successor) != 0) {
					dups++;
					goto next;
				}
			}
			tally(location, reason);
		} else if (h.type == PERF_RECORD_LOST) {
			uint64_t n;

			memcpy(&n, rec + 16, 8);
			lost_records += n;
		}
next:
		tail += h.size;
	}
	__atomic_store_n(&p->meta->data_tail, tail, __ATOMIC_RELEASE);
}

static void hand_over(int promote)
{
	char filter[256];

	if (generation + 1 >= nsamplers)
		return;
	if (promote) {
		int best = 0;

		for (int i = 1; i < ntally; i++)
			if (tally_n[i] > tally_n[best])
				best = i;
		key_location = tally_location[best];
		key_reason = tally_reason[best];
		promoted_at = generation;
	}
	for (int c = 0; c < ncpu; c++) {
		struct cpu *p = &cpus[c];

		if (promoted_at >= 0) {
			snprintf(filter, sizeof(filter), "!(location == 0x%llx && reason == %u)",
				 (unsigned long long)key_location, key_reason);
			if (ioctl(p->samplers[generation + 1], PERF_EVENT_IOC_SET_FILTER, filter))
				die("sampler filter");
		}
		if (promote) {
			snprintf(filter, sizeof(filter), "location == 0x%llx && reason == %u",
				 (unsigned long long)key_location, key_reason);
			if (ioctl(p->counter, PERF_EVENT_IOC_SET_FILTER, filter) ||
			    ioctl(p->counter, PERF_EVENT_IOC_ENABLE, 0))
				die("counter");
		}
		if (ioctl(p->samplers[generation + 1], PERF_EVENT_IOC_ENABLE, 0) ||
		    ioctl(p->samplers[generation], PERF_EVENT_IOC_DISABLE, 0))
			die("hand-over");
	}
	generation++;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	struct pollfd fds[MAX_CPUS];
	struct perf_event_attr a;
	int promote_ms = -1, opt;

	nsamplers = MAX_SAMPLERS;
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (argc < 3 || ncpu > MAX_CPUS) {
		fputs("usage: handover TRACEPOINT_ID SWAP_MS [-p PROMOTE_MS] [-n SAMPLERS]\n", stderr);
		return 2;
	}
	uint64_t tp = strtoull(argv[1], NULL, 10);
	int swap_ms = atoi(argv[2]);

	optind = 3;
	while ((opt = getopt(argc, argv, "p:n:")) != -1) {
		if (opt == 'p')
			promote_ms = atoi(optarg);
		else if (opt == 'n')
			nsamplers = atoi(optarg);
		else
			return 2;
	}
	if (nsamplers < 2 || nsamplers > MAX_SAMPLERS)
		return 2;
	for (int c = 0; c < ncpu; c++) {
		struct cpu *p = &cpus[c];

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_TRACEPOINT;
		a.config = tp;
		a.disabled = 1;
		a.read_format = PERF_FORMAT_GROUP;
		p->leader = open_event(&a, c, -1);
		if (ioctl(p->leader, PERF_EVENT_IOC_SET_FILTER, "skbaddr == 0"))
			die("leader filter");
		void *m = mmap(NULL, (PAGES + 1) * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, p->leader, 0);
		if (m == MAP_FAILED)
			die("mmap");
		p->meta = m;
		p->data = (unsigned char *)m + page;
		p->size = PAGES * (uint64_t)page;
		a.sample_period = 1;
		a.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_READ | PERF_SAMPLE_RAW;
		a.watermark = 1;
		a.wakeup_watermark = (uint32_t)(PAGES * page / 4);
		for (int g = 0; g < nsamplers; g++) {
			p->samplers[g] = open_event(&a, c, p->leader);
			if (ioctl(p->samplers[g], PERF_EVENT_IOC_SET_OUTPUT, p->leader) ||
			    ioctl(p->samplers[g], PERF_EVENT_IOC_ID, &p->ids[g]))
				die("sampler");
		}
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_TRACEPOINT;
		a.config = tp;
		a.disabled = 1;
		p->counter = open_event(&a, c, p->leader);
		fds[c].fd = p->leader;
		fds[c].events = POLLIN;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (int c = 0; c < ncpu; c++)
		if (ioctl(cpus[c].leader, PERF_EVENT_IOC_ENABLE, 0) ||
		    ioctl(cpus[c].samplers[0], PERF_EVENT_IOC_ENABLE, 0))
			die("enable");
	puts("Counting.");
	fflush(stdout);
	double start = now(), last = start;
	while (!stopping) {
		if (poll(fds, (nfds_t)ncpu, 20) < 0 && errno != EINTR)
			die("poll");
		for (int c = 0; c < ncpu; c++)
			drain(&cpus[c]);
		double t = now();
		if (promote_ms >= 0 && promoted_at < 0 && ntally > 0 && (t - start) * 1000 >= promote_ms)
			hand_over(1);
		else if (swap_ms > 0 && (t - last) * 1000 >= swap_ms) {
			hand_over(0);
			last = t;
		}
	}
	uint64_t count = 0, lost = 0, counted = 0;

	for (int c = 0; c < ncpu; c++)
		ioctl(cpus[c].leader, PERF_EVENT_IOC_DISABLE, 0);
	usleep(20000);
	for (int c = 0; c < ncpu; c++) {
		struct cpu *p = &cpus[c];
		uint64_t group[MAX_SAMPLERS + 3];

		drain(p);
		if (read(p->leader, group, sizeof(group)) < 0)
			die("read");
		/* Every drop a sampler took is in its count; what no sample shows was lost. */
		for (int g = 0; g < nsamplers; g++)
			lost += group[2 + g] - p->seen[g];
		counted += group[2 + nsamplers];
	}
	for (int i = 0; i < ntally; i++)
		count += tally_n[i];
	printf("count=%llu dups=%llu lost=%llu lost_records=%llu malformed=%llu handovers=%d\n",
	       (unsigned long long)(count + counted), (unsigned long long)dups, (unsigned long long)lost,
	       (unsigned long long)lost_records, (unsigned long long)malformed, generation);
	for (int i = 0; i < ntally; i++) {
		uint64_t n = tally_n[i];

		if (promoted_at >= 0 && tally_location[i] == key_location && tally_reason[i] == key_reason)
			n += counted;
		printf("  0x%llx reason %u: %llu\n", (unsigned long long)tally_location[i], tally_reason[i],
		       (unsigned long long)n);
	}
	return 0;
}
