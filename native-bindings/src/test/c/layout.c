// SPDX-License-Identifier: Apache-2.0
/*
 * Prints the ABI facts dropscope's Java code hard-codes, read from the system headers, one
 * "JavaClass.FIELD value" line each (values in decimal). LayoutCheckTest compiles this file with
 * gcc, runs it and compares every line with the Java constant of that name, in both directions.
 *
 * Needs userspace kernel headers of Linux 6.1 or newer (linux-libc-dev): an older header lacks
 * enum values the Java code mirrors, and then this file does not compile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/genetlink.h>
#include <linux/net_dropmon.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>

#define P(cls, name, expr) printf("%s.%s %lld\n", #cls, name, (long long) (expr))
/* A constant whose Java field has the C macro's name. */
#define C(cls, name) P(cls, #name, name)
/* An ioctl request: Java keeps it in an int, so print the 32-bit value signed. */
#define IOCTL(cls, name) P(cls, #name, (int32_t) (uint32_t) (name))
#define OFF(cls, jname, type, field) P(cls, jname, offsetof(struct type, field))
#define SIZE(cls, jname, type) P(cls, jname, sizeof(struct type))

/* The bit a one-bit field of the perf_event_attr flag word occupies, found by setting it. */
#define ATTR_BIT(jname, field) do { \
        struct perf_event_attr a; \
        uint64_t word; \
        memset(&a, 0, sizeof(a)); \
        a.field = 1; \
        memcpy(&word, (char *) &a + offsetof(struct perf_event_attr, read_format) + 8, sizeof(word)); \
        P(PerfEventAttr, jname, __builtin_popcountll(word) == 1 ? __builtin_ctzll(word) : -1); \
    } while (0)

_Static_assert(offsetof(struct perf_event_attr, sig_data) + 8 == PERF_ATTR_SIZE_VER7,
               "PERF_ATTR_SIZE_VER7 ends after sig_data");

static void perf_constants(void)
{
    C(PerfConstants, PERF_TYPE_SOFTWARE);
    C(PerfConstants, PERF_TYPE_TRACEPOINT);
    C(PerfConstants, PERF_COUNT_SW_TASK_CLOCK);
    C(PerfConstants, PERF_COUNT_SW_DUMMY);
    C(PerfConstants, PERF_SAMPLE_IP);
    C(PerfConstants, PERF_SAMPLE_TID);
    C(PerfConstants, PERF_SAMPLE_TIME);
    C(PerfConstants, PERF_SAMPLE_ADDR);
    C(PerfConstants, PERF_SAMPLE_READ);
    C(PerfConstants, PERF_SAMPLE_CALLCHAIN);
    C(PerfConstants, PERF_SAMPLE_ID);
    C(PerfConstants, PERF_SAMPLE_CPU);
    C(PerfConstants, PERF_SAMPLE_PERIOD);
    C(PerfConstants, PERF_SAMPLE_STREAM_ID);
    C(PerfConstants, PERF_SAMPLE_RAW);
    C(PerfConstants, PERF_SAMPLE_IDENTIFIER);
    C(PerfConstants, PERF_FORMAT_ID);
    C(PerfConstants, PERF_FORMAT_GROUP);
    C(PerfConstants, PERF_FORMAT_LOST);
    C(PerfConstants, PERF_RECORD_LOST);
    C(PerfConstants, PERF_RECORD_THROTTLE);
    C(PerfConstants, PERF_RECORD_SAMPLE);
    C(PerfConstants, PERF_RECORD_LOST_SAMPLES);
    SIZE(PerfConstants, "PERF_EVENT_HEADER_SIZE", perf_event_header);
    C(PerfConstants, PERF_CONTEXT_KERNEL);
    C(PerfConstants, PERF_CONTEXT_MAX);
    C(PerfConstants, CLOCK_REALTIME);
    C(PerfConstants, CLOCK_MONOTONIC);
}

static void perf_layouts(void)
{
    P(PerfEventAttr, "SIZE", PERF_ATTR_SIZE_VER7);
    OFF(PerfEventAttr, "OFFSET_TYPE", perf_event_attr, type);
    OFF(PerfEventAttr, "OFFSET_SIZE", perf_event_attr, size);
    OFF(PerfEventAttr, "OFFSET_CONFIG", perf_event_attr, config);
    OFF(PerfEventAttr, "OFFSET_SAMPLE_PERIOD", perf_event_attr, sample_period);
    OFF(PerfEventAttr, "OFFSET_SAMPLE_TYPE", perf_event_attr, sample_type);
    OFF(PerfEventAttr, "OFFSET_READ_FORMAT", perf_event_attr, read_format);
    P(PerfEventAttr, "OFFSET_FLAGS", offsetof(struct perf_event_attr, read_format) + 8);
    OFF(PerfEventAttr, "OFFSET_WAKEUP_EVENTS", perf_event_attr, wakeup_events);
    OFF(PerfEventAttr, "OFFSET_CLOCKID", perf_event_attr, clockid);
    OFF(PerfEventAttr, "OFFSET_SAMPLE_MAX_STACK", perf_event_attr, sample_max_stack);
    ATTR_BIT("BIT_DISABLED", disabled);
    ATTR_BIT("BIT_FREQ", freq);
    ATTR_BIT("BIT_WATERMARK", watermark);
    ATTR_BIT("BIT_SAMPLE_ID_ALL", sample_id_all);
    ATTR_BIT("BIT_EXCLUDE_CALLCHAIN_USER", exclude_callchain_user);
    ATTR_BIT("BIT_USE_CLOCKID", use_clockid);

    OFF(PerfMmapPage, "OFFSET_DATA_HEAD", perf_event_mmap_page, data_head);
    OFF(PerfMmapPage, "OFFSET_DATA_TAIL", perf_event_mmap_page, data_tail);
    OFF(PerfMmapPage, "OFFSET_DATA_OFFSET", perf_event_mmap_page, data_offset);
    OFF(PerfMmapPage, "OFFSET_DATA_SIZE", perf_event_mmap_page, data_size);
    C(PerfMmapPage, AT_PAGESZ);
    P(PerfMmapPage, "pageSize()", sysconf(_SC_PAGESIZE));
}

static void netlink_layout(void)
{
    C(NetlinkLayout, NLMSG_ALIGNTO);
    C(NetlinkLayout, NLA_ALIGNTO);
    C(NetlinkLayout, NLMSG_HDRLEN);
    OFF(NetlinkLayout, "NLMSG_LEN_OFFSET", nlmsghdr, nlmsg_len);
    OFF(NetlinkLayout, "NLMSG_TYPE_OFFSET", nlmsghdr, nlmsg_type);
    OFF(NetlinkLayout, "NLMSG_FLAGS_OFFSET", nlmsghdr, nlmsg_flags);
    OFF(NetlinkLayout, "NLMSG_SEQ_OFFSET", nlmsghdr, nlmsg_seq);
    OFF(NetlinkLayout, "NLMSG_PID_OFFSET", nlmsghdr, nlmsg_pid);
    C(NetlinkLayout, GENL_HDRLEN);
    OFF(NetlinkLayout, "GENL_CMD_OFFSET", genlmsghdr, cmd);
    OFF(NetlinkLayout, "GENL_VERSION_OFFSET", genlmsghdr, version);
    C(NetlinkLayout, NLA_HDRLEN);
    OFF(NetlinkLayout, "NLA_LEN_OFFSET", nlattr, nla_len);
    OFF(NetlinkLayout, "NLA_TYPE_OFFSET", nlattr, nla_type);
    SIZE(NetlinkLayout, "NLMSGERR_SIZE", nlmsgerr);
    OFF(NetlinkLayout, "NLMSGERR_ERROR_OFFSET", nlmsgerr, error);
    OFF(NetlinkLayout, "NLMSGERR_MSG_OFFSET", nlmsgerr, msg);
    C(NetlinkLayout, NLM_F_REQUEST);
    C(NetlinkLayout, NLM_F_MULTI);
    C(NetlinkLayout, NLM_F_ACK);
    C(NetlinkLayout, NLM_F_ROOT);
    C(NetlinkLayout, NLM_F_MATCH);
    C(NetlinkLayout, NLM_F_DUMP);
    C(NetlinkLayout, NLM_F_CAPPED);
    C(NetlinkLayout, NLM_F_ACK_TLVS);
    C(NetlinkLayout, NLMSG_NOOP);
    C(NetlinkLayout, NLMSG_ERROR);
    C(NetlinkLayout, NLMSG_DONE);
    C(NetlinkLayout, NLMSG_MIN_TYPE);
    C(NetlinkLayout, NLA_F_NESTED);
    C(NetlinkLayout, NLA_F_NET_BYTEORDER);
    P(NetlinkLayout, "NLA_TYPE_MASK", NLA_TYPE_MASK & 0xffff);
    C(NetlinkLayout, NLMSGERR_ATTR_MSG);
    C(NetlinkLayout, NLMSGERR_ATTR_OFFS);
    C(NetlinkLayout, NLMSGERR_ATTR_MISS_TYPE);
    C(NetlinkLayout, NLMSGERR_ATTR_MISS_NEST);
    C(NetlinkLayout, GENL_ID_CTRL);
    C(NetlinkLayout, GENL_NAMSIZ);
    C(NetlinkLayout, CTRL_CMD_NEWFAMILY);
    C(NetlinkLayout, CTRL_CMD_DELFAMILY);
    C(NetlinkLayout, CTRL_CMD_GETFAMILY);
    C(NetlinkLayout, CTRL_ATTR_FAMILY_ID);
    C(NetlinkLayout, CTRL_ATTR_FAMILY_NAME);
    C(NetlinkLayout, CTRL_ATTR_VERSION);
    C(NetlinkLayout, CTRL_ATTR_HDRSIZE);
    C(NetlinkLayout, CTRL_ATTR_MAXATTR);
    C(NetlinkLayout, CTRL_ATTR_OPS);
    C(NetlinkLayout, CTRL_ATTR_MCAST_GROUPS);
    C(NetlinkLayout, CTRL_ATTR_MCAST_GRP_NAME);
    C(NetlinkLayout, CTRL_ATTR_MCAST_GRP_ID);
    C(NetlinkLayout, CTRL_ATTR_OP_ID);
    C(NetlinkLayout, CTRL_ATTR_OP_FLAGS);
    C(NetlinkLayout, GENL_ADMIN_PERM);
    C(NetlinkLayout, GENL_CMD_CAP_DO);
    C(NetlinkLayout, GENL_UNS_ADMIN_PERM);
}

static void net_dm(void)
{
    C(NetDmConstants, NET_DM_GRP_ALERT);
    C(NetDmConstants, NET_DM_ALERT_MODE_SUMMARY);
    C(NetDmConstants, NET_DM_ALERT_MODE_PACKET);
    C(NetDmConstants, NET_DM_ORIGIN_SW);
    C(NetDmConstants, NET_DM_ORIGIN_HW);
    C(NetDmConstants, NET_DM_ATTR_PORT_NETDEV_IFINDEX);
    C(NetDmConstants, NET_DM_ATTR_PORT_NETDEV_NAME);
    C(NetDmConstants, NET_DM_ATTR_STATS_DROPPED);
    SIZE(NetDmConstants, "NET_DM_ALERT_MSG_SIZE", net_dm_alert_msg);
    OFF(NetDmConstants, "NET_DM_ALERT_MSG_ENTRIES_OFFSET", net_dm_alert_msg, entries);
    SIZE(NetDmConstants, "NET_DM_DROP_POINT_SIZE", net_dm_drop_point);
    OFF(NetDmConstants, "NET_DM_DROP_POINT_PC_OFFSET", net_dm_drop_point, pc);
    OFF(NetDmConstants, "NET_DM_DROP_POINT_COUNT_OFFSET", net_dm_drop_point, count);

    C(NetDmCmd, NET_DM_CMD_UNSPEC);
    C(NetDmCmd, NET_DM_CMD_ALERT);
    C(NetDmCmd, NET_DM_CMD_CONFIG);
    C(NetDmCmd, NET_DM_CMD_START);
    C(NetDmCmd, NET_DM_CMD_STOP);
    C(NetDmCmd, NET_DM_CMD_PACKET_ALERT);
    C(NetDmCmd, NET_DM_CMD_CONFIG_GET);
    C(NetDmCmd, NET_DM_CMD_CONFIG_NEW);
    C(NetDmCmd, NET_DM_CMD_STATS_GET);
    C(NetDmCmd, NET_DM_CMD_STATS_NEW);
    C(NetDmCmd, NET_DM_CMD_MAX);

    C(NetDmAttr, NET_DM_ATTR_UNSPEC);
    C(NetDmAttr, NET_DM_ATTR_ALERT_MODE);
    C(NetDmAttr, NET_DM_ATTR_PC);
    C(NetDmAttr, NET_DM_ATTR_SYMBOL);
    C(NetDmAttr, NET_DM_ATTR_IN_PORT);
    C(NetDmAttr, NET_DM_ATTR_TIMESTAMP);
    C(NetDmAttr, NET_DM_ATTR_PROTO);
    C(NetDmAttr, NET_DM_ATTR_PAYLOAD);
    C(NetDmAttr, NET_DM_ATTR_PAD);
    C(NetDmAttr, NET_DM_ATTR_TRUNC_LEN);
    C(NetDmAttr, NET_DM_ATTR_ORIG_LEN);
    C(NetDmAttr, NET_DM_ATTR_QUEUE_LEN);
    C(NetDmAttr, NET_DM_ATTR_STATS);
    C(NetDmAttr, NET_DM_ATTR_HW_STATS);
    C(NetDmAttr, NET_DM_ATTR_ORIGIN);
    C(NetDmAttr, NET_DM_ATTR_HW_TRAP_GROUP_NAME);
    C(NetDmAttr, NET_DM_ATTR_HW_TRAP_NAME);
    C(NetDmAttr, NET_DM_ATTR_HW_ENTRIES);
    C(NetDmAttr, NET_DM_ATTR_HW_ENTRY);
    C(NetDmAttr, NET_DM_ATTR_HW_TRAP_COUNT);
    C(NetDmAttr, NET_DM_ATTR_SW_DROPS);
    C(NetDmAttr, NET_DM_ATTR_HW_DROPS);
    C(NetDmAttr, NET_DM_ATTR_FLOW_ACTION_COOKIE);
    C(NetDmAttr, NET_DM_ATTR_REASON);
    C(NetDmAttr, NET_DM_ATTR_MAX);
}

static void errnos(void)
{
    C(Errno, EPERM);
    C(Errno, ENOENT);
    C(Errno, EINTR);
    C(Errno, EIO);
    C(Errno, E2BIG);
    C(Errno, EBADF);
    C(Errno, EAGAIN);
    C(Errno, ENOMEM);
    C(Errno, EACCES);
    C(Errno, EBUSY);
    C(Errno, EEXIST);
    C(Errno, ENODEV);
    C(Errno, EINVAL);
    C(Errno, EMFILE);
    C(Errno, ENOSPC);
    C(Errno, EPIPE);
    C(Errno, ENAMETOOLONG);
    C(Errno, ENOSYS);
    C(Errno, ENOTSOCK);
    C(Errno, ENOPROTOOPT);
    C(Errno, EPROTONOSUPPORT);
    C(Errno, EOPNOTSUPP);
    C(Errno, EADDRINUSE);
    C(Errno, ENOBUFS);
    C(Errno, ECONNREFUSED);
}

static void native_io(void)
{
    C(NetlinkConstants, AF_NETLINK);
    C(NetlinkConstants, NETLINK_GENERIC);
    C(NetlinkConstants, SOCK_RAW);
    C(NetlinkConstants, SOCK_CLOEXEC);
    C(NetlinkConstants, SOL_NETLINK);
    C(NetlinkConstants, NETLINK_ADD_MEMBERSHIP);
    C(NetlinkConstants, NETLINK_NO_ENOBUFS);
    C(NetlinkConstants, NETLINK_LIST_MEMBERSHIPS);
    C(NetlinkConstants, NETLINK_CAP_ACK);
    C(NetlinkConstants, NETLINK_EXT_ACK);
    C(NetlinkConstants, SOL_SOCKET);
    C(NetlinkConstants, SO_RCVBUF);
    C(NetlinkConstants, SO_RCVBUFFORCE);
    C(NetlinkConstants, MSG_TRUNC);

    C(Mounts, MS_RDONLY);
    C(Mounts, MS_NOSUID);
    C(Mounts, MS_NODEV);
    C(Mounts, MS_NOEXEC);
    C(Mounts, MNT_DETACH);

    C(PerfEvent, PERF_FLAG_FD_CLOEXEC);
    IOCTL(PerfEvent, PERF_EVENT_IOC_ENABLE);
    IOCTL(PerfEvent, PERF_EVENT_IOC_DISABLE);
    IOCTL(PerfEvent, PERF_EVENT_IOC_RESET);
    IOCTL(PerfEvent, PERF_EVENT_IOC_SET_FILTER);
    IOCTL(PerfEvent, PERF_EVENT_IOC_SET_OUTPUT);
    IOCTL(PerfEvent, PERF_EVENT_IOC_ID);
    C(PerfEvent, PERF_ATTR_SIZE_VER0);
    C(PerfEvent, PROT_READ);
    C(PerfEvent, PROT_WRITE);
    C(PerfEvent, MAP_SHARED);

    C(Poller, POLLIN);
    C(Poller, POLLERR);
    C(Poller, POLLHUP);
    C(Poller, POLLNVAL);
    SIZE(Poller, "POLLFD_SIZE", pollfd);
    OFF(Poller, "POLLFD_FD_OFFSET", pollfd, fd);
    OFF(Poller, "POLLFD_EVENTS_OFFSET", pollfd, events);
    OFF(Poller, "POLLFD_REVENTS_OFFSET", pollfd, revents);

    C(EventFd, EFD_CLOEXEC);
    C(EventFd, EFD_NONBLOCK);

    SIZE(NetlinkSocket, "MSGHDR_SIZE", msghdr);
    OFF(NetlinkSocket, "MSG_NAME_OFFSET", msghdr, msg_name);
    OFF(NetlinkSocket, "MSG_NAMELEN_OFFSET", msghdr, msg_namelen);
    OFF(NetlinkSocket, "MSG_IOV_OFFSET", msghdr, msg_iov);
    OFF(NetlinkSocket, "MSG_IOVLEN_OFFSET", msghdr, msg_iovlen);
    OFF(NetlinkSocket, "MSG_CONTROL_OFFSET", msghdr, msg_control);
    OFF(NetlinkSocket, "MSG_CONTROLLEN_OFFSET", msghdr, msg_controllen);
    OFF(NetlinkSocket, "MSG_FLAGS_OFFSET", msghdr, msg_flags);
    SIZE(NetlinkSocket, "IOVEC_SIZE", iovec);
    OFF(NetlinkSocket, "IOV_BASE_OFFSET", iovec, iov_base);
    OFF(NetlinkSocket, "IOV_LEN_OFFSET", iovec, iov_len);

    SIZE(SockaddrNl, "SIZE", sockaddr_nl);
    OFF(SockaddrNl, "LAYOUT.nlFamily", sockaddr_nl, nl_family);
    OFF(SockaddrNl, "LAYOUT.nlPad", sockaddr_nl, nl_pad);
    OFF(SockaddrNl, "LAYOUT.nlPid", sockaddr_nl, nl_pid);
    OFF(SockaddrNl, "LAYOUT.nlGroups", sockaddr_nl, nl_groups);

    P(Native, "NR_PERF_EVENT_OPEN", SYS_perf_event_open);
}

int main(void)
{
    perf_constants();
    perf_layouts();
    netlink_layout();
    net_dm();
    errnos();
    native_io();
    return ferror(stdout) ? 1 : 0;
}
