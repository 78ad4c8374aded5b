// SPDX-License-Identifier: Apache-2.0
package org.dropscope.pcap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a classic pcap file (pcap-savefile(5)) of LINKTYPE_NETLINK records, as nlmon captures
 * with tcpdump and dwdump write them: either byte order, microsecond or nanosecond timestamps.
 * Each {@link #next()} returns one netlink message without its cooked header.
 *
 * <p>Damage is reported, never skipped silently: a file that ends inside a record gives
 * {@link PcapFormatException} naming the record number and byte offset; everything before it
 * has been returned. A record that the capture's snapshot length cut ({@code tcpdump -s 96}) is
 * well-formed pcap and is returned, marked {@link Record#cut()}: what to do with the part of a
 * message it holds is the caller's decision.
 */
public final class PcapReader implements AutoCloseable {
    /**
     * One record: its number, the fields of its record header and cooked header, and the netlink
     * message.
     *
     * @param number the record's place in the file, from 1 (as Wireshark numbers frames)
     * @param epochNanos the record header's timestamp (ts_sec and ts_usec or ts_nsec)
     * @param capturedLength the record header's incl_len (pcap-savefile(5)): the bytes the file
     *     holds, the 16-byte cooked header included
     * @param originalLength the record header's orig_len: the bytes the packet had on the wire,
     *     the cooked header included; more than {@code capturedLength} when the capture's
     *     snapshot length (tcpdump -s) cut the record
     * @param packetType the cooked header's packet type (bytes 0-1, big-endian):
     *     {@link NetlinkPcap#PACKET_HOST} or {@link NetlinkPcap#PACKET_OUTGOING}
     * @param hardwareType the cooked header's ARPHRD type (bytes 2-3, big-endian):
     *     {@link NetlinkPcap#ARPHRD_NETLINK} as nlmon and dwdump write it
     * @param protocol the cooked header's protocol (bytes 14-15, big-endian): the netlink family,
     *     16 for NETLINK_GENERIC
     * @param message the netlink data after the cooked header: {@code capturedLength - 16} bytes
     */
    public record Record(int number, long epochNanos, int capturedLength, int originalLength, int packetType,
            int hardwareType, int protocol, ByteBuf message) {
        /** Whether the snapshot length cut this record: its message is then incomplete. */
        public boolean cut() {
            return originalLength > capturedLength;
        }
    }

    /** The room a record's bytes get first: most netlink messages fit in a page or two. */
    static final int FIRST_BUFFER = 8 << 10;

    private final InputStream in;
    private final ByteOrder order;
    private final boolean nanos;
    private final int linktype;
    private long offset;
    private int number;

    public PcapReader(InputStream in) throws IOException {
        this.in = in;
        byte[] h = new byte[NetlinkPcap.FILE_HEADER_SIZE];
        int n = in.readNBytes(h, 0, h.length);
        offset = n;
        if (n == 0) {
            throw new PcapFormatException("the file is empty");
        }
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        // The magic first: a file that is no pcap at all is that, however short it is.
        int magic = n >= 4 ? b.getInt(0) : 0;
        if (magic == NetlinkPcap.MAGIC_MICROS || magic == NetlinkPcap.MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (Integer.reverseBytes(magic) == NetlinkPcap.MAGIC_MICROS
                || Integer.reverseBytes(magic) == NetlinkPcap.MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (magic == 0x0a0d0d0a) {
            throw new PcapFormatException("this is a pcapng file; convert it to pcap first:"
                    + " editcap -F pcap IN OUT (from Wireshark)");
        } else if (n < 4) {
            throw new PcapFormatException("not a pcap file: it holds only " + n + " bytes");
        } else {
            throw new PcapFormatException(String.format("not a pcap file: magic 0x%08x", magic));
        }
        if (n < h.length) {
            throw new PcapFormatException("the pcap file header: file ends after " + n + " of " + h.length + " bytes");
        }
        b.order(order);
        nanos = b.getInt(0) == NetlinkPcap.MAGIC_NANOS;
        linktype = b.getInt(20) & 0x0fffffff;
        if (linktype != NetlinkPcap.LINKTYPE_NETLINK) {
            throw new PcapFormatException("link type " + linktype + " is not LINKTYPE_NETLINK (253): capture on an"
                    + " nlmon device, or with dropscope dump / dwdump");
        }
    }

    /** The next record, or {@code null} at the end of the file. The caller releases its message. */
    public Record next() throws IOException {
        long start = offset;
        byte[] h = new byte[NetlinkPcap.RECORD_HEADER_SIZE];
        int n = in.readNBytes(h, 0, h.length);
        if (n == 0) {
            return null;
        }
        number++;
        offset += n;
        if (n < h.length) {
            throw new PcapFormatException("record " + number + " at byte " + start + ": file ends inside the record"
                    + " header (" + n + " of 16 bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(h).order(order);
        long sec = Integer.toUnsignedLong(b.getInt(0));
        long frac = Integer.toUnsignedLong(b.getInt(4));
        int caplen = b.getInt(8);
        int origlen = b.getInt(12);
        if (caplen < NetlinkPcap.COOKED_HEADER_SIZE || caplen > NetlinkPcap.MAX_RECORD) {
            throw new PcapFormatException("record " + number + " at byte " + start + ": captured length " + caplen
                    + " (expected: 16 to " + NetlinkPcap.MAX_RECORD + " bytes)");
        }
        byte[] data = readFully(caplen, "record " + number + " at byte " + start);
        ByteBuffer cooked = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
        int packetType = Short.toUnsignedInt(cooked.getShort(0));
        int hardwareType = Short.toUnsignedInt(cooked.getShort(2));
        int protocol = Short.toUnsignedInt(cooked.getShort(14));
        long epochNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
        return new Record(number, epochNanos, caplen, origlen, packetType, hardwareType, protocol,
                Unpooled.wrappedBuffer(data, NetlinkPcap.COOKED_HEADER_SIZE, caplen - NetlinkPcap.COOKED_HEADER_SIZE));
    }

    /**
     * The {@code len} bytes of a record. The buffer grows, doubling, as they arrive: a damaged
     * record header can claim up to {@link NetlinkPcap#MAX_RECORD} bytes, and a file that ends
     * long before them should not cost that much memory (zeroed) before it says so.
     */
    private byte[] readFully(int len, String what) throws IOException {
        byte[] b = new byte[Math.min(len, FIRST_BUFFER)];
        int n = in.readNBytes(b, 0, b.length);
        while (n == b.length && n < len) {
            b = Arrays.copyOf(b, (int) Math.min(len, 2L * n));
            n += in.readNBytes(b, n, b.length - n);
        }
        offset += n;
        if (n < len) {
            throw new PcapFormatException(what + ": file ends after " + n + " of " + len + " bytes");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
