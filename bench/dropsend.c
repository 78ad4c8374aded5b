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
 * A run stops after COUNT datagrams, SECONDS or SIGTERM/SIGINT, whichever comes first. Datagrams
 * go out in sendmmsg(2) batches from one thread, optionally pinned to a CPU, as fast as it can or,
 * with -r, at a steady RATE per second (paced by the clock; after a pause such as SIGSTOP it goes
 * on at the same rate, without a burst to catch up). -6 sends to ::1 instead of 127.0.0.1: the
 * drops are then __udp6_lib_rcv NO_SOCKET (Udp6NoPorts) or udpv6_queue_rcv_one_skb
 * SOCKET_RCVBUFF (Udp6RcvbufErrors), keys that IPv4 traffic elsewhere on the machine never
 * adds to. Run it in a private network namespace (bench/live.sh does: unshare --net) and the Udp
 * counters of /proc/net/snmp (snmp6 with -6), which it reads before and after, count its own
 * drops and nothing else.
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
#include <signal.h>
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
	double rate;
	int ipv6;
};

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void usage(void)
{
	fputs("usage: dropsend rcvbuf|noport [-n COUNT] [-t SECONDS] [-r RATE] [-6] [-c CPU] [-b BATCH] [-s PAYLOAD]\n"
	      "  -n  datagrams to send at most (default: no limit)\n"
	      "  -t  seconds to send at most (default 5)\n"
	      "  -r  datagrams per second, paced (default: as fast as possible)\n"
	      "  -6  IPv6: send to ::1, count with the Udp6 counters of /proc/net/snmp6\n"
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
static long long find_udp(FILE *f, const char *column)
{
	char names[1024], values[1024];

	while (fgets(names, sizeof(names), f)) {
		if (strncmp(names, "Udp: ", 5) != 0)
			continue;
		if (!fgets(values, sizeof(values), f))
			break;
		char *ns, *vs;
		char *n = strtok_r(names, " \n", &ns);
		char *v = strtok_r(values, " \n", &vs);
		while (n && v) {
			if (strcmp(n, column) == 0)
				return atoll(v);
			n = strtok_r(NULL, " \n", &ns);
			v = strtok_r(NULL, " \n", &vs);
		}
		break;
	}
	return -1;
}

/* One counter of /proc/net/snmp6: a "Name value" line per counter. */
static long long find_udp6(FILE *f, const char *name)
{
	char line[256], key[128];
	long long value;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lld", key, &value) == 2 && strcmp(key, name) == 0)
			return value;
	}
	return -1;
}

/* The namespace's count of this mode's drops: Udp NoPorts/RcvbufErrors, or their Udp6 twins. */
static long long snmp_drops_now(const struct options *o)
{
	const char *path = o->ipv6 ? "/proc/net/snmp6" : "/proc/net/snmp";
	const char *name = o->ipv6 ? (o->rcvbuf_mode ? "Udp6RcvbufErrors" : "Udp6NoPorts")
				   : (o->rcvbuf_mode ? "RcvbufErrors" : "NoPorts");
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	long long result = o->ipv6 ? find_udp6(f, name) : find_udp(f, name);
	fclose(f);
	if (result < 0) {
		fprintf(stderr, "dropsend: no %s in %s\n", name, path);
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
	o->rate = 0;
	o->ipv6 = 0;
	optind = 2;
	while ((c = getopt(argc, argv, "n:t:r:6c:b:s:")) != -1) {
		switch (c) {
		case 'n': o->count = strtoull(optarg, NULL, 10); break;
		case 't': o->seconds = atof(optarg); break;
		case 'c': o->cpu = atoi(optarg); break;
		case 'b': o->batch = atoi(optarg); break;
		case 's': o->payload = atoi(optarg); break;
		case 'r': o->rate = atof(optarg); break;
		case '6': o->ipv6 = 1; break;
		default: usage();
		}
	}
	if (o->batch < 1 || o->batch > BATCH_MAX || o->payload < 0 || o->payload > 1400 || o->seconds <= 0
	    || o->rate < 0)
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

/* A UDP socket bound to the loopback address on a port the kernel picks; its address goes to *where. */
static int bound_socket(int ipv6, struct sockaddr_storage *where, socklen_t *len)
{
	int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	memset(where, 0, sizeof(*where));
	if (ipv6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)where;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)where;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*a);
	}
	if (bind(fd, (struct sockaddr *)where, *len) != 0)
		die("bind");
	if (getsockname(fd, (struct sockaddr *)where, len) != 0)
		die("getsockname");
	return fd;
}

/* Sleeps until the monotonic time t (seconds). */
static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop_requested)
		;
}

int main(int argc, char **argv)
{
	struct options o;
	struct sockaddr_storage dst;
	socklen_t dst_len;
	static struct mmsghdr msgs[BATCH_MAX];
	static struct iovec iov[BATCH_MAX];
	static char payload[1400];
	int sink = -1;
	struct sigaction sa;

	parse(argc, argv, &o);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = request_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (o.cpu >= 0)
		pin(o.cpu);
	if (o.rate > 0) {
		/* About a thousand sendmmsg calls per second at most: smooth enough, cheap to pace. */
		int per_ms = (int)(o.rate / 1000);

		if (o.batch > per_ms)
			o.batch = per_ms < 1 ? 1 : per_ms;
	}
	if (o.rcvbuf_mode) {
		int one = 1;

		sink = bound_socket(o.ipv6, &dst, &dst_len);
		/* The kernel raises this to its minimum (SOCK_MIN_RCVBUF): a couple of datagrams. */
		if (setsockopt(sink, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)) != 0)
			die("SO_RCVBUF");
	} else {
		/* A port that was free a moment ago and that nothing in this namespace will take. */
		close(bound_socket(o.ipv6, &dst, &dst_len));
	}

	int tx = socket(o.ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (tx < 0)
		die("socket");
	for (int i = 0; i < o.batch; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = (size_t)o.payload;
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = dst_len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	long long snmp_before = snmp_drops_now(&o);
	double start = monotonic(), deadline = start + o.seconds, end;
	/* Pacing: the next batch is due at `due`; a schedule more than 0.1 s behind (the process
	 * was stopped, or starved) starts again from now instead of bursting to catch up. */
	double due = start, gap = o.rate > 0 ? (double)o.batch / o.rate : 0;
	uint64_t sent = 0;
	unsigned long calls = 0;

	while (!stop_requested) {
		uint64_t left = o.count - sent;
		unsigned int n = left < (uint64_t)o.batch ? (unsigned int)left : (unsigned int)o.batch;

		if (n == 0)
			break;
		if (o.rate > 0) {
			double now = monotonic();

			if (now >= deadline)
				break;
			if (now < due)
				sleep_until(due < deadline ? due : deadline);
			else if (now - due > 0.1)
				due = now;
			due += gap;
		}
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
	long long snmp_drops = snmp_drops_now(&o) - snmp_before;
	double elapsed = end - start;

	printf("mode=%s%s cpu=%d batch=%d sent=%llu delivered=%llu drops=%llu snmp_drops=%lld"
	       " elapsed_s=%.3f drops_per_s=%.0f sends_per_s=%.0f\n",
	       o.rcvbuf_mode ? "rcvbuf" : "noport", o.ipv6 ? "6" : "", o.cpu, o.batch, (unsigned long long)sent,
	       (unsigned long long)delivered, (unsigned long long)(sent - delivered), snmp_drops, elapsed,
	       (double)(sent - delivered) / elapsed, (double)sent / elapsed);
	return 0;
}
