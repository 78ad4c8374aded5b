// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.dropscope.pcap.PcapReader;

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
}
