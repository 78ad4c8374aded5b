// SPDX-License-Identifier: Apache-2.0
/*
 * dropsend - make the kernel drop packets on the loopback addresses as fast as one thread can, for
 * known reasons, and say exactly how many it dropped.
 *
 * Each kind of drop is one (location, reason) key of skb:kfree_skb and one SNMP counter:
 *   noport   UDP to a port nobody listens on: dropped in __udp4_lib_rcv, reason NO_SOCKET
 *            (Udp NoPorts). The sender is not connected, so the ICMP errors never reach it.
 *   rcvbuf   UDP to a bound socket whose receive buffer is the smallest the kernel allows and which
 *            is read only at the end: all but the few that fit are dropped in
 *            udp_queue_rcv_one_skb, reason SOCKET_RCVBUFF (Udp RcvbufErrors).
 *   csum     UDP with a wrong checksum to a closed port, written whole (IP header included) on a
 *            raw socket: __udp4_lib_rcv, reason UDP_CSUM (Udp InCsumErrors). The kernel checks the
 *            checksum of a datagram for a closed port before it counts NoPorts, so none is counted.
 *   noproto  IP packets of protocol 253 (RFC 3692, for experiments), which no protocol handler
 *            and no socket takes, on a raw socket: ip_local_deliver_finish (ip_protocol_deliver_rcu,
 *            inlined), reason IP_NOPROTO (Ip InUnknownProtos).
 * With -6 the same go to ::1: __udp6_lib_rcv NO_SOCKET (Udp6NoPorts), udpv6_queue_rcv_one_skb
 * SOCKET_RCVBUFF (Udp6RcvbufErrors), __udp6_lib_rcv UDP_CSUM (Udp6InCsumErrors),
 * ip6_input_finish IP_NOPROTO (Ip6InUnknownProtos), keys that IPv4 traffic elsewhere on the machine
 * never adds to. (The symbols are those of Linux 6.18 on x86_64, as skb:kfree_skb names them; an
 * inlined function takes its caller's name.)
 * mixN (N = 1..8) makes the first N kinds of this list drop at once, round-robin one sendmmsg
 * batch each, from the one thread: noport, rcvbuf, noport -6, rcvbuf -6, csum, csum -6, noproto,
 * noproto -6. mix2 is then the two IPv4 UDP keys and mix8 eight distinct busy keys.
 *
 * The raw sockets are IPPROTO_RAW (send only: the kernel delivers no packet to them), so that no
 * socket of this program takes a copy of what it sends; ICMP errors the drops provoke are consumed
 * by the kernel, not dropped.
 *
 * A run stops after COUNT packets, SECONDS or SIGTERM/SIGINT, whichever comes first. Packets go
 * out in sendmmsg(2) batches from one thread, optionally pinned to a CPU, as fast as it can or,
 * with -r, at a steady RATE per second (paced by the clock; after a pause such as SIGSTOP it goes
 * on at the same rate, without a burst to catch up). Run it in a private network namespace
 * (bench/live.sh does: unshare --net) and the counters of /proc/net/snmp and snmp6, which it
 * reads before and after, count its own drops and nothing else.
 *
 * Output, one line of key=value pairs:
 *   mode cpu batch sent delivered drops snmp_drops elapsed_s drops_per_s sends_per_s
 * and per kind K (one, or N for mixN): drops_K snmp_K. drops = sent - delivered; snmp_drops = the kernel's
 * own count, the sum of the kinds' counters (the two agree unless something else used the
 * namespace).
 *
 * Build: cc -O2 -Wall -o dropsend dropsend.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
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
#define KINDS_MAX 8
#define PAYLOAD_MAX 1400
#define PROTO_EXPERIMENT 253	/* RFC 3692: for experiments; Linux has no handler for it */

enum what { NOPORT, RCVBUF, CSUM, NOPROTO };

static const char *const what_names[] = { "noport", "rcvbuf", "csum", "noproto" };

/* The counter of each kind, IPv4 (a column of a "Udp:" or "Ip:" row of /proc/net/snmp) and IPv6
 * (a line of /proc/net/snmp6). */
static const char *const counter4_rows[] = { "Udp", "Udp", "Udp", "Ip" };
static const char *const counter4[] = { "NoPorts", "RcvbufErrors", "InCsumErrors", "InUnknownProtos" };
static const char *const counter6[] = { "Udp6NoPorts", "Udp6RcvbufErrors", "Udp6InCsumErrors",
					"Ip6InUnknownProtos" };

/* The order mixN takes kinds in: {what, ipv6}. */
static const int mix_order[KINDS_MAX][2] = {
	{ NOPORT, 0 }, { RCVBUF, 0 }, { NOPORT, 1 }, { RCVBUF, 1 },
	{ CSUM, 0 }, { CSUM, 1 }, { NOPROTO, 0 }, { NOPROTO, 1 },
};

struct kind {
	enum what what;
	int ipv6;
	char name[16];			/* "noport", "csum6", ... */
	int fd;				/* the sending socket */
	int sink;			/* rcvbuf: the socket whose buffer is full; else -1 */
	struct sockaddr_storage dst;
	socklen_t dst_len;
	unsigned char packet[sizeof(struct ip6_hdr) + sizeof(struct udphdr) + PAYLOAD_MAX];
	struct iovec iov;
	struct mmsghdr *msgs;
	uint64_t sent, delivered;
	long long snmp_before, snmp_after;
};

struct options {
	char mode[16];
	int mix;			/* mixN: N; otherwise 0 */
	enum what what;
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
	fputs("usage: dropsend noport|rcvbuf|csum|noproto|mixN [-n COUNT] [-t SECONDS] [-r RATE] [-6] [-c CPU]"
	      " [-b BATCH] [-s PAYLOAD]\n"
	      "  mixN  the first N (1..8) of: noport rcvbuf noport6 rcvbuf6 csum csum6 noproto noproto6,\n"
	      "        round-robin one batch each\n"
	      "  -n  packets to send at most (default: no limit)\n"
	      "  -t  seconds to send at most (default 5)\n"
	      "  -r  packets per second, paced (default: as fast as possible)\n"
	      "  -6  IPv6: send to ::1, count with the counters of /proc/net/snmp6 (not with mixN)\n"
	      "  -c  CPU to pin the sender to (default: not pinned)\n"
	      "  -b  packets per sendmmsg call, 1..1024 (default 64)\n"
	      "  -s  UDP payload bytes, 0..1400 (default 16)\n", stderr);
	exit(2);
}

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One column of a row of /proc/net/snmp ("Udp", "Ip"): a header line of names, then one of values. */
static long long find_snmp(FILE *f, const char *row, const char *column)
{
	char names[2048], values[2048], prefix[16];

	snprintf(prefix, sizeof(prefix), "%s: ", row);
	while (fgets(names, sizeof(names), f)) {
		if (strncmp(names, prefix, strlen(prefix)) != 0)
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
static long long find_snmp6(FILE *f, const char *name)
{
	char line[256], key[128];
	long long value;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lld", key, &value) == 2 && strcmp(key, name) == 0)
			return value;
	}
	return -1;
}

/* The namespace's count of one kind's drops, now. */
static long long snmp_now(const struct kind *k)
{
	const char *path = k->ipv6 ? "/proc/net/snmp6" : "/proc/net/snmp";
	const char *name = k->ipv6 ? counter6[k->what] : counter4[k->what];
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	long long result = k->ipv6 ? find_snmp6(f, name) : find_snmp(f, counter4_rows[k->what], name);
	fclose(f);
	if (result < 0) {
		fprintf(stderr, "dropsend: no %s in %s\n", name, path);
		exit(1);
	}
	return result;
}

static int parse_what(const char *s, enum what *w)
{
	for (int i = 0; i < (int)(sizeof(what_names) / sizeof(what_names[0])); i++) {
		if (strcmp(s, what_names[i]) == 0) {
			*w = (enum what)i;
			return 1;
		}
	}
	return 0;
}

static void parse(int argc, char **argv, struct options *o)
{
	int c;

	if (argc < 2 || strlen(argv[1]) >= sizeof(o->mode))
		usage();
	strcpy(o->mode, argv[1]);
	o->mix = 0;
	if (strncmp(argv[1], "mix", 3) == 0) {
		char *end;

		o->mix = (int)strtol(argv[1] + 3, &end, 10);
		if (*end != '\0' || o->mix < 1 || o->mix > KINDS_MAX)
			usage();
	} else if (!parse_what(argv[1], &o->what)) {
		usage();
	}
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
	if (o->batch < 1 || o->batch > BATCH_MAX || o->payload < 0 || o->payload > PAYLOAD_MAX
	    || o->seconds <= 0 || o->rate < 0 || (o->mix && o->ipv6))
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

/* The loopback address, port 0, into *where. */
static void loopback(int ipv6, struct sockaddr_storage *where, socklen_t *len)
{
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
}

/* A UDP socket bound to the loopback address on a port the kernel picks; its address goes to *where. */
static int bound_socket(int ipv6, struct sockaddr_storage *where, socklen_t *len)
{
	int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	loopback(ipv6, where, len);
	if (bind(fd, (struct sockaddr *)where, *len) != 0)
		die("bind");
	if (getsockname(fd, (struct sockaddr *)where, len) != 0)
		die("getsockname");
	return fd;
}

static uint16_t port_of(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)a)->sin6_port
					: ((const struct sockaddr_in *)a)->sin_port;
}

/* The ones' complement sum of big-endian 16-bit words (RFC 1071), not yet folded. */
static uint32_t sum16(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* A UDP checksum that is certainly wrong for this datagram: not the right one, and not 0 (which
 * means "no checksum" over IPv4) or 0xffff (the same as 0 in ones' complement). */
static uint16_t wrong_udp_checksum(const void *src, const void *dst, size_t addr_len, const struct udphdr *uh,
				   size_t udp_len)
{
	uint32_t sum = sum16(src, addr_len, 0);

	sum = sum16(dst, addr_len, sum);
	sum += IPPROTO_UDP + (uint32_t)udp_len;
	sum = sum16(uh, udp_len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	uint16_t right = (uint16_t)~sum;

	return htons(right == 0x1234 ? 0x4321 : 0x1234);
}

/* csum and noproto: the whole packet, IP header included, as a raw IPPROTO_RAW socket sends it. The
 * kernel fills in the IPv4 header's checksum and total length; the IPv6 payload length is ours. */
static size_t raw_packet(const struct kind *k, int payload, uint16_t dport)
{
	size_t ip_len = k->ipv6 ? sizeof(struct ip6_hdr) : sizeof(struct iphdr);
	size_t len = sizeof(struct udphdr) + (size_t)payload;
	unsigned char *p = (unsigned char *)k->packet;
	uint8_t proto = k->what == CSUM ? IPPROTO_UDP : PROTO_EXPERIMENT;

	memset(p, 0, sizeof(k->packet));
	if (k->ipv6) {
		struct ip6_hdr *h = (struct ip6_hdr *)p;

		h->ip6_flow = htonl(6u << 28);
		h->ip6_plen = htons((uint16_t)len);
		h->ip6_nxt = proto;
		h->ip6_hlim = 64;
		h->ip6_src = in6addr_loopback;
		h->ip6_dst = in6addr_loopback;
	} else {
		struct iphdr *h = (struct iphdr *)p;

		h->version = 4;
		h->ihl = 5;
		h->ttl = 64;
		h->protocol = proto;
		h->tot_len = htons((uint16_t)(ip_len + len));
		h->saddr = htonl(INADDR_LOOPBACK);
		h->daddr = htonl(INADDR_LOOPBACK);
	}
	if (k->what == CSUM) {
		struct udphdr *uh = (struct udphdr *)(p + ip_len);

		uh->source = htons(9);
		uh->dest = dport;
		uh->len = htons((uint16_t)len);
		if (k->ipv6) {
			struct ip6_hdr *h = (struct ip6_hdr *)p;

			uh->check = wrong_udp_checksum(&h->ip6_src, &h->ip6_dst, 16, uh, len);
		} else {
			struct iphdr *h = (struct iphdr *)p;

			uh->check = wrong_udp_checksum(&h->saddr, &h->daddr, 4, uh, len);
		}
	}
	return ip_len + len;
}

/* Opens the sockets of one kind and fills in its batch of messages. */
static void set_up(struct kind *k, const struct options *o)
{
	int family = k->ipv6 ? AF_INET6 : AF_INET;

	snprintf(k->name, sizeof(k->name), "%s%s", what_names[k->what], k->ipv6 ? "6" : "");
	k->sink = -1;
	k->sent = k->delivered = 0;
	k->iov.iov_base = k->packet;
	k->iov.iov_len = (size_t)o->payload;
	if (k->what == RCVBUF) {
		int one = 1;

		k->sink = bound_socket(k->ipv6, &k->dst, &k->dst_len);
		/* The kernel raises this to its minimum (SOCK_MIN_RCVBUF): a couple of datagrams. */
		if (setsockopt(k->sink, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)) != 0)
			die("SO_RCVBUF");
	} else {
		/* A port that was free a moment ago and that nothing in this namespace will take. */
		close(bound_socket(k->ipv6, &k->dst, &k->dst_len));
	}
	if (k->what == NOPORT || k->what == RCVBUF) {
		memset(k->packet, 0, sizeof(k->packet));
		k->fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	} else {
		k->iov.iov_len = raw_packet(k, o->payload, port_of(&k->dst));
		/* A raw socket takes no port: the destination is the address alone. */
		loopback(k->ipv6, &k->dst, &k->dst_len);
		k->fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	}
	if (k->fd < 0)
		die("socket");
	k->msgs = calloc((size_t)o->batch, sizeof(*k->msgs));
	if (!k->msgs)
		die("calloc");
	for (int i = 0; i < o->batch; i++) {
		k->msgs[i].msg_hdr.msg_name = &k->dst;
		k->msgs[i].msg_hdr.msg_namelen = k->dst_len;
		k->msgs[i].msg_hdr.msg_iov = &k->iov;
		k->msgs[i].msg_hdr.msg_iovlen = 1;
	}
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
	static struct kind kinds[KINDS_MAX];
	int nkinds;
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
	if (o.mix) {
		nkinds = o.mix;
		for (int i = 0; i < nkinds; i++) {
			kinds[i].what = (enum what)mix_order[i][0];
			kinds[i].ipv6 = mix_order[i][1];
		}
	} else {
		nkinds = 1;
		kinds[0].what = o.what;
		kinds[0].ipv6 = o.ipv6;
	}
	for (int i = 0; i < nkinds; i++)
		set_up(&kinds[i], &o);

	for (int i = 0; i < nkinds; i++)
		kinds[i].snmp_before = snmp_now(&kinds[i]);
	double start = monotonic(), deadline = start + o.seconds, end;
	/* Pacing: the next batch is due at `due`; a schedule more than 0.1 s behind (the process
	 * was stopped, or starved) starts again from now instead of bursting to catch up. */
	double due = start, gap = o.rate > 0 ? (double)o.batch / o.rate : 0;
	uint64_t sent = 0;
	unsigned long calls = 0;

	while (!stop_requested) {
		uint64_t left = o.count - sent;
		unsigned int n = left < (uint64_t)o.batch ? (unsigned int)left : (unsigned int)o.batch;
		struct kind *k = &kinds[calls % (unsigned long)nkinds];

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
		int r = sendmmsg(k->fd, k->msgs, n, 0);
		if (r > 0) {
			sent += (uint64_t)r;
			k->sent += (uint64_t)r;
		} else if (r < 0 && errno != EINTR && errno != EAGAIN && errno != ENOBUFS) {
			die("sendmmsg");
		}
		if (++calls % CLOCK_EVERY == 0 && monotonic() >= deadline)
			break;
	}
	end = monotonic();

	uint64_t delivered = 0;
	long long snmp_drops = 0;
	for (int i = 0; i < nkinds; i++) {
		struct kind *k = &kinds[i];

		if (k->sink >= 0) {
			char buf[2048];

			while (recv(k->sink, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
				k->delivered++;
			close(k->sink);
		}
		close(k->fd);
		delivered += k->delivered;
	}
	for (int i = 0; i < nkinds; i++) {
		kinds[i].snmp_after = snmp_now(&kinds[i]);
		snmp_drops += kinds[i].snmp_after - kinds[i].snmp_before;
	}
	double elapsed = end - start;

	printf("mode=%s%s cpu=%d batch=%d sent=%llu delivered=%llu drops=%llu snmp_drops=%lld"
	       " elapsed_s=%.3f drops_per_s=%.0f sends_per_s=%.0f",
	       o.mode, o.ipv6 ? "6" : "", o.cpu, o.batch, (unsigned long long)sent,
	       (unsigned long long)delivered, (unsigned long long)(sent - delivered), snmp_drops, elapsed,
	       (double)(sent - delivered) / elapsed, (double)sent / elapsed);
	for (int i = 0; i < nkinds; i++)
		printf(" drops_%s=%llu snmp_%s=%lld", kinds[i].name,
		       (unsigned long long)(kinds[i].sent - kinds[i].delivered), kinds[i].name,
		       kinds[i].snmp_after - kinds[i].snmp_before);
	printf("\n");
	return 0;
}
