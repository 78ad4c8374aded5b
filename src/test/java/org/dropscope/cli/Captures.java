// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.pcap.PcapReader;
import org.dropscope.pcap.PcapWriter;

/** Captures made from the committed genuine one, as other capture tools would have written them. */
final class Captures {
    private Captures() {
    }

    /** {@code pcap} as tcpdump -s {@code snaplen} would have written it: each record cut to that many bytes. */
    static byte[] snapshotLength(byte[] pcap, int snaplen) throws IOException {
        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.write(ByteBuffer.wrap(Arrays.copyOf(pcap, 24)).order(ByteOrder.LITTLE_ENDIAN).putInt(16, snaplen).array());
        int at = 24;
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(pcap))) {
            for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                rec.message().release();
                int kept = Math.min(rec.capturedLength(), snaplen);
                cut.write(ByteBuffer.wrap(Arrays.copyOfRange(pcap, at, at + 16)).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(8, kept).array());
                cut.write(pcap, at + 16, kept);
                at += 16 + rec.capturedLength();
            }
        }
        return cut.toByteArray();
    }

    /**
     * Sets the NET_DM_ATTR_TIMESTAMP of {@code pcap}'s first packet alert to {@code nanos}, in place.
     *
     * @param pcap a little-endian LINKTYPE_NETLINK capture
     * @return the number of the record changed, from 1
     */
    static int setFirstAlertTimestamp(byte[] pcap, long nanos) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        int number = 1;
        for (int at = 24; at + 16 <= pcap.length; at += 16 + b.getInt(at + 8), number++) {
            int msg = at + 16 + 16;  // after the record header and the cooked header
            // A generic netlink family's message (type above GENL_ID_CTRL) of command NET_DM_CMD_PACKET_ALERT.
            if (Short.toUnsignedInt(b.getShort(msg + 4)) <= 0x10 || b.get(msg + 16) != 5) {
                continue;
            }
            int end = msg + b.getInt(msg);
            for (int a = msg + 20; a + 4 <= end; a += (Short.toUnsignedInt(b.getShort(a)) + 3) & ~3) {
                if ((b.getShort(a + 2) & 0x3fff) == 5) {  // NET_DM_ATTR_TIMESTAMP
                    b.putLong(a + 4, nanos);
                    return number;
                }
            }
        }
        throw new AssertionError("the capture has no packet alert with a timestamp");
    }

    /**
     * {@code pcap} as dwdump 1.5.4 may have written it: only the kernel's multicast alerts, no
     * controller message (so no family reply) and no reply to a request.
     */
    static byte[] alertsOnly(byte[] pcap) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(pcap));
                PcapWriter w = new PcapWriter(kept, NetlinkConstants.NETLINK_GENERIC)) {
            for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                // nlmsg_pid 0 (from the kernel, to a multicast group), not nlctrl (0x10), not NLMSG_ERROR.
                if (rec.message().getIntLE(12) == 0 && rec.message().getUnsignedShortLE(4) != 0x10
                        && rec.message().getUnsignedShortLE(4) != 2) {
                    w.write(rec.epochNanos() / 1000, rec.packetType(), rec.message());
                }
                rec.message().release();
            }
        }
        return kept.toByteArray();
    }

    /**
     * Writes {@code pcap}'s file header, then its records again and again until the file holds at
     * least {@code bytes}: a capture as large as a test needs, of genuine records.
     */
    static void repeated(byte[] pcap, long bytes, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(pcap, 0, 24);
            for (long written = 24; written < bytes; written += pcap.length - 24) {
                out.write(pcap, 24, pcap.length - 24);
            }
        }
    }

    /**
     * Files that are no capture, each with the reason replay and report give (after the file's
     * name), made from the start of {@code pcap}.
     */
    static Map<String, byte[]> noCaptures(byte[] pcap) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("the file is empty", new byte[0]);
        files.put("the pcap file header: file ends after 4 of 24 bytes", Arrays.copyOf(pcap, 4));
        files.put("the capture holds no records: it ends after its 24-byte file header", Arrays.copyOf(pcap, 24));
        // A pcapng Section Header Block's first 16 bytes: block type, length, byte-order magic, version.
        files.put("this is a pcapng file; convert it to pcap first: editcap -F pcap IN OUT (from Wireshark)",
                new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0});
        return files;
    }
}
