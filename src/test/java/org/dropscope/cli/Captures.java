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
}
