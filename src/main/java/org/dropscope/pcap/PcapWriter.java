// SPDX-License-Identifier: Apache-2.0
package org.dropscope.pcap;

import io.netty.buffer.ByteBuf;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes netlink messages as a LINKTYPE_NETLINK pcap file ({@link NetlinkPcap}), one record per
 * message, flushed per record so that a reader at the other end of a pipe sees each at once
 * (as {@code dwdump | tshark -r -} does).
 */
public final class PcapWriter implements Flushable, AutoCloseable {
    /**
     * The file's snapshot length, tcpdump's default as in nlmon captures: records are never cut,
     * and a NET_DM packet alert with a whole 64 KiB packet is a little longer than 64 KiB.
     */
    static final int SNAPLEN = 262_144;
    private final OutputStream out;
    private final int protocol;
    private final ByteBuffer header = ByteBuffer.allocate(NetlinkPcap.RECORD_HEADER_SIZE + NetlinkPcap.COOKED_HEADER_SIZE);

    /** Writes the file header. {@code protocol} is the netlink protocol of every record. */
    public PcapWriter(OutputStream out, int protocol) throws IOException {
        this.out = out;
        this.protocol = protocol;
        ByteBuffer h = ByteBuffer.allocate(NetlinkPcap.FILE_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(NetlinkPcap.MAGIC_MICROS);
        h.putShort((short) 2).putShort((short) 4);          // version 2.4
        h.putInt(0).putInt(0);                              // thiszone, sigfigs
        h.putInt(SNAPLEN);
        h.putInt(NetlinkPcap.LINKTYPE_NETLINK);
        out.write(h.array());
    }

    /**
     * Appends one message: the readable bytes of {@code message}, which are not consumed.
     *
     * @param epochMicros when it was sent or received
     * @param packetType {@link NetlinkPcap#PACKET_HOST} or {@link NetlinkPcap#PACKET_OUTGOING}
     */
    public void write(long epochMicros, int packetType, ByteBuf message) throws IOException {
        int len = message.readableBytes() + NetlinkPcap.COOKED_HEADER_SIZE;
        header.clear();
        header.order(ByteOrder.LITTLE_ENDIAN);
        header.putInt((int) Math.floorDiv(epochMicros, 1_000_000L));
        header.putInt((int) Math.floorMod(epochMicros, 1_000_000L));
        header.putInt(len).putInt(len);
        // The cooked header is big-endian (network order), as libpcap writes it.
        header.order(ByteOrder.BIG_ENDIAN);
        header.putShort((short) packetType);
        header.putShort((short) NetlinkPcap.ARPHRD_NETLINK);
        header.putShort((short) 0);
        header.putLong(0);
        header.putShort((short) protocol);
        out.write(header.array(), 0, header.position());
        message.getBytes(message.readerIndex(), out, message.readableBytes());
        out.flush();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
