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
    /** The pcap file header's size: magic, version, thiszone, sigfigs, snaplen, linktype. */
    public static final int FILE_HEADER_SIZE = 24;
    static final int RECORD_HEADER_SIZE = 16;
    /** A record larger than this is not a netlink message: the file is damaged. */
    static final int MAX_RECORD = 1 << 24;

    private NetlinkPcap() {
    }

    /**
     * Whether a file's first four bytes are a pcap magic number, in either byte order, or
     * pcapng's (which {@link PcapReader} refuses with advice): the file is meant as a capture.
     */
    public static boolean isCaptureMagic(byte[] first, int n) {
        if (n < 4) {
            return false;
        }
        int le = (first[0] & 0xff) | (first[1] & 0xff) << 8 | (first[2] & 0xff) << 16 | (first[3] & 0xff) << 24;
        int be = Integer.reverseBytes(le);
        return le == MAGIC_MICROS || le == MAGIC_NANOS || be == MAGIC_MICROS || be == MAGIC_NANOS || le == 0x0a0d0d0a;
    }
}
