// SPDX-License-Identifier: Apache-2.0
package org.dropscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.dropscope.event.AlertListener;
import org.dropscope.event.PacketDrop;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapReader;
import org.dropscope.pcap.Rereadable;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;

/**
 * Fuzz target: a capture file read by {@link PcapReader} record by record, then replayed by
 * {@link NetDmReplay} (family id from the capture, as {@code replay} and {@code report} do).
 * Oracle: only IOException (PcapFormatException, or the missing family id); every record's
 * message is a released view of exactly its captured bytes; whatever the replay hands over prints.
 */
public class PcapFuzzTest extends FuzzTarget {
    @Override
    public List<byte[]> seeds() {
        byte[] capture = Fuzzing.resource("/fixtures/netlink/netdm-6.1.pcap");
        return List.of(capture, Arrays.copyOf(capture, 24), Arrays.copyOf(capture, 4),
                Fuzzing.concat(new byte[] {0x0a, 0x0d, 0x0d, 0x0a}, Arrays.copyOfRange(capture, 4, 64)));
    }

    @Override
    public void fuzzOne(byte[] data) {
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(data))) {
            for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                try {
                    assertEquals(rec.capturedLength() - NetlinkPcap.COOKED_HEADER_SIZE, rec.message().readableBytes());
                } finally {
                    rec.message().release();
                }
                // A record of the cooked header alone has Netty's shared empty buffer, which counts no references.
                assertTrue(rec.message().refCnt() == 0 || rec.message().capacity() == 0, "record's message released");
            }
        } catch (IOException e) {
            assertNotNull(e.getMessage());
        }
        try (Rereadable capture = Rereadable.spooling(new ByteArrayInputStream(data))) {
            NetDmReplay.replay(capture, OptionalInt.empty(), PRINTING);
        } catch (IOException e) {
            assertNotNull(e.getMessage());
        }
    }

    /** Turns everything handed over into text, as the commands do. */
    private static final NetDmReplay.Handler PRINTING = new NetDmReplay.Handler() {
        @Override
        public void summary(List<AlertListener.SummaryEntry> entries) {
            entries.forEach(Object::toString);
        }

        @Override
        public void packet(PacketDrop drop) {
            assertNotNull(drop.toString());
        }

        @Override
        public void config(NetDmMessage.Config config) {
            assertNotNull(config.toString());
        }

        @Override
        public void stats(NetDmMessage.Stats stats) {
            assertNotNull(stats.toString());
        }

        @Override
        public void malformed(int record, String why) {
            assertNotNull(why);
        }
    };
}
