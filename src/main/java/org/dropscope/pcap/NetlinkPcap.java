// SPDX-License-Identifier: Apache-2.0
package org.dropscope.pcap;

/**
 * The pcap framing of netlink messages: LINKTYPE_NETLINK (253), as nlmon captures and dwdump
 * writes them (https://www.tcpdump.org/linktypes/LINKTYPE_NETLINK.html). Each record is a 16-byte
 * Linux "cooked" header, its fields big-endian, then one raw netlink message in host order:
 * <pre>
 * u16 packet type   (PACKET_OUTGOING 4 in nlmon captures and dwdump's files, whoever sent the message)
 * u16 ARPHRD_NETLINK (824)
 * u16 link-layer address length (0)
 * u8[8] link-layer address (zeros)
 * u16 netlink protocol (16 = NETLINK_GENERIC)
 * </pre>
 * The classic pcap file header and record headers (pcap-savefile(5)) are written little-endian.
 */
public final class NetlinkPcap {
    public static final int LINKTYPE_NETLINK = 253;
    public static final int COOKED_HEADER_SIZE = 16;
    public static final int ARPHRD_NETLINK = 824;
    public static final int PACKET_HOST = 0;
    public static final int PACKET_OUTGOING = 4;

    /** pcap-savefile(5) magic numbers, as read little-endian: microsecond and nanosecond files. */
    static final int MAGIC_MICROS = 0xa1b2c3d4;
    static final int MAGIC_NANOS = 0xa1b23c4d;
    static final int FILE_HEADER_SIZE = 24;
    static final int RECORD_HEADER_SIZE = 16;
    /** A record larger than this is not a netlink message: the file is damaged. */
    static final int MAX_RECORD = 1 << 24;

    private NetlinkPcap() {
    }
}
