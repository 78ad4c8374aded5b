// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapFormatException;
import org.dropscope.pcap.PcapReader;

/**
 * A pcap file captured on an nlmon device ({@code tcpdump -i nlmon0 -w FILE}): every netlink
 * message the guest's sockets exchanged with the kernel, read by {@link PcapReader} (the format:
 * {@link NetlinkPcap}) and split into {@link RawNetlink} messages. Stricter than a replay, as
 * fixtures must be: a record the snapshot length cut, or whose cooked header is not
 * {@code ARPHRD_NETLINK}, fails the whole read.
 *
 * <p>As checked against the bytes tcpdump 4.99 / libpcap 1.10 wrote in the netdm-vm guest: the
 * packet type is 4 ("outgoing") for both directions, and a record may hold several
 * {@code nlmsghdr}-framed messages, each padded to 4 bytes. Nothing in a record tells the
 * direction: a request carries {@code NLM_F_REQUEST}.
 */
public final class NlmonPcap {
    /**
     * One captured skb and the netlink messages it held.
     *
     * @param index the record's place in the file from 0 (PcapReader's number less one), as the
     *     fixtures' sidecars cite it
     */
    public record Record(int index, List<RawNetlink> messages) {
    }

    private NlmonPcap() {
    }

    /** Reads and checks a whole capture. */
    public static List<Record> read(Path pcap) throws IOException {
        return parse(Files.readAllBytes(pcap));
    }

    /**
     * Parses a whole capture.
     *
     * @throws PcapFormatException for a file PcapReader refuses, a cut record or another hardware type
     * @throws IllegalArgumentException for netlink framing that does not fill a record exactly
     */
    public static List<Record> parse(byte[] pcap) throws IOException {
        List<Record> records = new ArrayList<>();
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(pcap))) {
            for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                try {
                    if (rec.cut()) {
                        throw new PcapFormatException("record " + rec.number() + " was cut to " + rec.capturedLength()
                                + " of " + rec.originalLength() + " bytes (snapshot length too small)");
                    }
                    if (rec.hardwareType() != NetlinkPcap.ARPHRD_NETLINK) {
                        throw new PcapFormatException("record " + rec.number() + ": cooked header hatype "
                                + rec.hardwareType() + ", expected ARPHRD_NETLINK (" + NetlinkPcap.ARPHRD_NETLINK
                                + ")");
                    }
                    records.add(new Record(rec.number() - 1, RawNetlink.split(ByteBufUtil.getBytes(rec.message()))));
                } finally {
                    rec.message().release();
                }
            }
        }
        return records;
    }

    /** Every netlink message of the capture, in order. */
    public static List<RawNetlink> messages(List<Record> records) {
        List<RawNetlink> all = new ArrayList<>();
        records.forEach(r -> all.addAll(r.messages()));
        return all;
    }
}
