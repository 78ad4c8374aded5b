// SPDX-License-Identifier: Apache-2.0
/*
 * dropsend - make the kernel drop UDP datagrams on 127.0.0.1 as fast as one thread can, for a
 * known reason, and say exactly how many it dropped.
 *
 *   rcvbuf  datagrams to a bound socket whose receive buffer is the smallest the kernel allows
 *           and which is read only at the end: all but the few that fit are dropped in
 *           udp_queue_rcv_one_skb, reason SOCKET_RCVBUFF (Udp RcvbufErrors).
 *   noport  datagrams to a port nobody listens on: dropped in __udp4_lib_rcv, reason NO_SOCKET
 *           (Udp NoPorts). The sender is not connected, so the ICMP errors never reach it.
 *
 * A run stops after COUNT datagrams or SECONDS, whichever comes first. Datagrams go out in
 * sendmmsg(2) batches from one thread, optionally pinned to a CPU. Run it in a private network
 * namespace (bench/live.sh does: unshare --net) and the Udp counters of /proc/net/snmp, which it
 * reads before and after, count its own drops and nothing else.
 *
 * Output, one line of key=value pairs:
 *   mode cpu batch sent delivered drops snmp_drops elapsed_s drops_per_s sends_per_s
 * drops = sent - delivered; snmp_drops = the kernel's own count (the two agree unless something
 * else used UDP in the namespace).
 *
 * Build: cc -O2 -Wall -o dropsend dropsend.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH_MAX 1024
#define CLOCK_EVERY 16	/* sendmmsg calls between two looks at the clock */

struct options {
	int rcvbuf_mode;
	uint64_t count;
	double seconds;
	int cpu;
	int batch;
	int payload;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void usage(void)
{
	fputs("usage: dropsend rcvbuf|noport [-n COUNT] [-t SECONDS] [-c CPU] [-b BATCH] [-s PAYLOAD]\n"
	      "  -n  datagrams to send at most (default: no limit)\n"
	      "  -t  seconds to send at most (default 5)\n"
	      "  -c  CPU to pin the sender to (default: not pinned)\n"
	      "  -b  datagrams per sendmmsg call, 1..1024 (default 64)\n"
	      "  -s  UDP payload bytes (default 16)\n", stderr);
	exit(2);
}

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One column of the "Udp:" rows of /proc/net/snmp: a header row of names, then a row of values. */
static long long snmp_udp(const char *column)
{
	char names[1024], values[1024];
	long long result = -1;
	FILE *f = fopen("/proc/net/snmp", "r");

	if (!f)
		die("/proc/net/snmp");
	while (fgets(names, sizeof(names), f)) {
		if (strncmp(names, "Udp: ", 5) != 0)
			continue;
		if (!fgets(values, sizeof(values), f))
			break;
		char *ns, *vs;
		char *n = strtok_r(names, " \n", &ns);
		char *v = strtok_r(values, " \n", &vs);
		while (n && v) {
			if (strcmp(n, column) == 0) {
				result = atoll(v);
				break;
			}
			n = strtok_r(NULL, " \n", &ns);
			v = strtok_r(NULL, " \n", &vs);
		}
		break;
	}
	fclose(f);
	if (result < 0) {
		fprintf(stderr, "dropsend: no Udp %s in /proc/net/snmp\n", column);
		exit(1);
	}
	return result;
}

static void parse(int argc, char **argv, struct options *o)
{
	int c;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "rcvbuf") == 0)
		o->rcvbuf_mode = 1;
	else if (strcmp(argv[1], "noport") == 0)
		o->rcvbuf_mode = 0;
	else
		usage();
	o->count = UINT64_MAX;
	o->seconds = 5;
	o->cpu = -1;
	o->batch = 64;
	o->payload = 16;
	optind = 2;
	while ((c = getopt(argc, argv, "n:t:c:b:s:")) != -1) {
		switch (c) {
		case 'n': o->count = strtoull(optarg, NULL, 10); break;
		case 't': o->seconds = atof(optarg); break;
		case 'c': o->cpu = atoi(optarg); break;
		case 'b': o->batch = atoi(optarg); break;
		case 's': o->payload = atoi(optarg); break;
		default: usage();
		}
	}
	if (o->batch < 1 || o->batch > BATCH_MAX || o->payload < 0 || o->payload > 1400 || o->seconds <= 0)
		usage();
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		die("sched_setaffinity");
}

/* A UDP socket bound to 127.0.0.1 on a port the kernel picks; its address goes to *where. */
static int bound_socket(struct sockaddr_in *where)
{
	socklen_t len = sizeof(*where);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	memset(where, 0, sizeof(*where));
	where->sin_family = AF_INET;
	where->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)where, sizeof(*where)) != 0)
		die("bind");
	if (getsockname(fd, (struct sockaddr *)where, &len) != 0)
		die("getsockname");
	return fd;
}

int main(int argc, char **argv)
{
	struct options o;
	struct sockaddr_in dst;
	static struct mmsghdr msgs[BATCH_MAX];
	static struct iovec iov[BATCH_MAX];
	static char payload[1400];
	int sink = -1;

	parse(argc, argv, &o);
	if (o.cpu >= 0)
		pin(o.cpu);
	if (o.rcvbuf_mode) {
		int one = 1;

		sink = bound_socket(&dst);
		/* The kernel raises this to its minimum (SOCK_MIN_RCVBUF): a couple of datagrams. */
		if (setsockopt(sink, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)) != 0)
			die("SO_RCVBUF");
	} else {
		/* A port that was free a moment ago and that nothing in this namespace will take. */
		close(bound_socket(&dst));
	}

	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (tx < 0)
		die("socket");
	for (int i = 0; i < o.batch; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = (size_t)o.payload;
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	const char *column = o.rcvbuf_mode ? "RcvbufErrors" : "NoPorts";
	long long snmp_before = snmp_udp(column);
	double start = monotonic(), deadline = start + o.seconds, end;
	uint64_t sent = 0;
	unsigned long calls = 0;

	for (;;) {
		uint64_t left = o.count - sent;
		unsigned int n = left < (uint64_t)o.batch ? (unsigned int)left : (unsigned int)o.batch;

		if (n == 0)
			break;
		int r = sendmmsg(tx, msgs, n, 0);
		if (r > 0)
			sent += (uint64_t)r;
		else if (r < 0 && errno != EINTR && errno != EAGAIN && errno != ENOBUFS)
			die("sendmmsg");
		if (++calls % CLOCK_EVERY == 0 && monotonic() >= deadline)
			break;
	}
	end = monotonic();

	uint64_t delivered = 0;
	if (o.rcvbuf_mode) {
		char buf[2048];

		while (recv(sink, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			delivered++;
		close(sink);
	}
	close(tx);
	long long snmp_drops = snmp_udp(column) - snmp_before;
	double elapsed = end - start;

	printf("mode=%s cpu=%d batch=%d sent=%llu delivered=%llu drops=%llu snmp_drops=%lld"
	       " elapsed_s=%.3f drops_per_s=%.0f sends_per_s=%.0f\n",
	       o.rcvbuf_mode ? "rcvbuf" : "noport", o.cpu, o.batch, (unsigned long long)sent,
	       (unsigned long long)delivered, (unsigned long long)(sent - delivered), snmp_drops, elapsed,
	       (double)(sent - delivered) / elapsed, (double)sent / elapsed);
	return 0;
}
