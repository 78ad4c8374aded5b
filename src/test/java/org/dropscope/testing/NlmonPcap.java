// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A pcap file captured on an nlmon device ({@code tcpdump -i nlmon0 -w FILE}): every netlink
 * message the guest's sockets exchanged with the kernel.
 *
 * <p>The layout, as checked against the bytes tcpdump 4.99 / libpcap 1.10 wrote in the netdm-vm
 * guest: the classic pcap file header (24 bytes; magic {@code 0xa1b2c3d4} in the writer's byte
 * order, micro- or nanosecond variant), link type 253 ({@code LINKTYPE_NETLINK}); per record the
 * 16-byte record header (seconds, fraction, captured and original length), then a 16-byte Linux
 * cooked header, <em>big-endian</em>: packet type (u16; 4, "outgoing", for both directions),
 * ARPHRD type (u16, 824 = {@code ARPHRD_NETLINK}), address length (u16, 0), address (8 bytes,
 * zero), protocol (u16, the netlink family: 16 = {@code NETLINK_GENERIC}); then the netlink
 * data exactly as the socket carried it, in host byte order: one or more {@code nlmsghdr}-framed
 * messages, each padded to 4 bytes. Nothing in a record tells the direction: a request carries
 * {@code NLM_F_REQUEST}.
 */
public final class NlmonPcap {
    /** {@code LINKTYPE_NETLINK}, the link type libpcap gives nlmon devices. */
    public static final int LINKTYPE_NETLINK = 253;
    /** {@code ARPHRD_NETLINK} from include/uapi/linux/if_arp.h. */
    public static final int ARPHRD_NETLINK = 824;
    /** {@code NETLINK_GENERIC} from include/uapi/linux/netlink.h. */
    public static final int NETLINK_GENERIC = 16;
    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;
    static final int COOKED_HEADER = 16;
    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;

    /** One captured skb: the cooked header's fields, and the netlink messages it held. */
    public record Record(int index, long timeNanos, int packetType, int hardwareType, int protocol,
            List<RawNetlink> messages) {
    }

    private NlmonPcap() {
    }

    /** Reads and checks a whole capture. */
    public static List<Record> read(Path pcap) throws IOException {
        return parse(Files.readAllBytes(pcap));
    }

    /** Parses a whole capture; throws {@link IllegalArgumentException} naming what is wrong. */
    public static List<Record> parse(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap);
        need(b, FILE_HEADER, "pcap file header");
        b.order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            throw new IllegalArgumentException("not a pcap file: magic 0x" + Integer.toHexString(b.getInt(0)));
        }
        long fractionNanos = magic == MAGIC_NANOS ? 1 : 1000;
        int linkType = b.getInt(20) & 0xfffffff;
        if (linkType != LINKTYPE_NETLINK) {
            throw new IllegalArgumentException("link type " + linkType + ", expected LINKTYPE_NETLINK ("
                    + LINKTYPE_NETLINK + ")");
        }
        b.position(FILE_HEADER);
        List<Record> records = new ArrayList<>();
        while (b.hasRemaining()) {
            int at = b.position();
            need(b, RECORD_HEADER, "record header at " + at);
            long seconds = Integer.toUnsignedLong(b.getInt());
            long fraction = Integer.toUnsignedLong(b.getInt());
            int captured = b.getInt();
            int original = b.getInt();
            if (captured != original) {
                throw new IllegalArgumentException("record " + records.size() + " was cut to " + captured + " of "
                        + original + " bytes (snapshot length too small)");
            }
            need(b, captured, "record " + records.size() + " data");
            byte[] data = Arrays.copyOfRange(pcap, b.position(), b.position() + captured);
            b.position(b.position() + captured);
            records.add(record(records.size(), seconds * 1_000_000_000L + fraction * fractionNanos, data));
        }
        return records;
    }

    /** Every netlink message of the capture, in order. */
    public static List<RawNetlink> messages(List<Record> records) {
        List<RawNetlink> all = new ArrayList<>();
        records.forEach(r -> all.addAll(r.messages()));
        return all;
    }

    private static Record record(int index, long timeNanos, byte[] data) {
        if (data.length < COOKED_HEADER) {
            throw new IllegalArgumentException("record " + index + ": " + data.length
                    + " bytes, less than the cooked header");
        }
        ByteBuffer cooked = ByteBuffer.wrap(data, 0, COOKED_HEADER).order(ByteOrder.BIG_ENDIAN);
        int packetType = Short.toUnsignedInt(cooked.getShort(0));
        int hardwareType = Short.toUnsignedInt(cooked.getShort(2));
        int addressLength = Short.toUnsignedInt(cooked.getShort(4));
        int protocol = Short.toUnsignedInt(cooked.getShort(14));
        if (hardwareType != ARPHRD_NETLINK || addressLength != 0) {
            throw new IllegalArgumentException("record " + index + ": cooked header hatype " + hardwareType
                    + " halen " + addressLength + ", expected ARPHRD_NETLINK (" + ARPHRD_NETLINK + ") and 0");
        }
        return new Record(index, timeNanos, packetType, hardwareType, protocol,
                RawNetlink.split(Arrays.copyOfRange(data, COOKED_HEADER, data.length)));
    }

    private static void need(ByteBuffer b, int bytes, String what) {
        if (b.remaining() < bytes) {
            throw new IllegalArgumentException("truncated pcap: " + what + " needs " + bytes + " bytes, "
                    + b.remaining() + " left");
        }
    }
}
