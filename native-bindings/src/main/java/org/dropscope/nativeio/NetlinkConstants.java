// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

/**
 * Socket-level constants for {@link NetlinkSocket}. See netlink(7) and socket(7).
 *
 * <p>Values from include/uapi/linux/netlink.h, include/linux/socket.h (AF_NETLINK, SOL_NETLINK,
 * MSG_*), include/uapi/asm-generic/socket.h (SOL_SOCKET, SO_*) and the x86_64/arm64 values of
 * SOCK_CLOEXEC. Message layouts are in org.dropscope.netlink.NetlinkLayout.
 */
public final class NetlinkConstants {
    public static final int AF_NETLINK = 16;

    // protocols
    public static final int NETLINK_GENERIC = 16;

    // socket types
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 02000000;

    // setsockopt(SOL_NETLINK, ...)
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    public static final int NETLINK_NO_ENOBUFS = 5;
    /** getsockopt: a bitmap of joined groups, group g in bit g-1. */
    public static final int NETLINK_LIST_MEMBERSHIPS = 9;
    /** Do not echo the request in an error ACK. */
    public static final int NETLINK_CAP_ACK = 10;
    /** Append NLMSGERR_ATTR_* attributes (a message, an offset) to error ACKs. */
    public static final int NETLINK_EXT_ACK = 11;

    // setsockopt(SOL_SOCKET, ...)
    public static final int SOL_SOCKET = 1;
    /** The kernel doubles the value set, and getsockopt reports the doubled value. */
    public static final int SO_RCVBUF = 8;
    /** As SO_RCVBUF but past net.core.rmem_max; needs CAP_NET_ADMIN. */
    public static final int SO_RCVBUFFORCE = 33;

    // recvmsg(2) flags
    /** As a flag: return the datagram's real length even when it did not fit. */
    public static final int MSG_TRUNC = 0x20;

    private NetlinkConstants() {
    }
}
