// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;
import org.dropscope.record.RecordNames;
import org.dropscope.record.RecordReader;
import org.junit.jupiter.api.Test;

/**
 * A stream for a client that is not root: no real kernel address anywhere in its bytes, while its
 * events, symbols and stacks read back with the same names and offsets as root's.
 */
class HiddenAddressesTest {
    private static final long UDP_RCV = 0xffffffff81c3a000L;
    private static final long QUEUE_RCV = 0xffffffff81d00000L;
    private static final long UNNAMED = 0xffffffffc0001234L;
    private static final int STACK = 5;

    /** Two symbols and one stack over them and an address no symbol names. */
    private static final DropNames REAL = new DropNames() {
        @Override
        public Symbol symbolAt(long pc) {
            if (pc >= UDP_RCV && pc < UDP_RCV + 0x1000) {
                return new Symbol("__udp4_lib_rcv", null, pc - UDP_RCV, 0x1000);
            }
            if (pc >= QUEUE_RCV && pc < QUEUE_RCV + 0x800) {
                return new Symbol("udp_queue_rcv_one_skb", "udp", pc - QUEUE_RCV, 0x800);
            }
            return null;
        }

        @Override
        public String reason(int code) {
            return code == 3 ? "NO_SOCKET" : null;
        }

        @Override
        public List<Location> stack(int id) {
            return id == STACK ? locations(new long[] {QUEUE_RCV + 0x10, UDP_RCV + 0x9a2, UNNAMED}) : null;
        }
    };

    @Test
    void aClientThatIsNotRootGetsNamesAndOffsetsButNoRealAddress() throws Exception {
        ClientQueue queue = new ClientQueue(Daemon.Settings.DEFAULT_QUEUE_BYTES);
        AtomicLong clock = new AtomicLong();
        ClientStream s = new ClientStream(StreamFrames.header(), REAL, false, queue, 2, clock::incrementAndGet);
        s.release();
        DropEvent e = new DropEvent();
        long[] locations = {UDP_RCV + 0x9a2, QUEUE_RCV + 0x10, UNNAMED, UDP_RCV + 0x9a2};
        for (long pc : locations) {
            s.drop(e.set(clock.incrementAndGet(), 0, DropOrigin.SOFTWARE, pc, 3, STACK, 1));
        }
        s.drop(e.set(clock.incrementAndGet(), 1, DropOrigin.HARDWARE, 17, -1, -1, 2));
        s.finish();
        StreamFrames client = new StreamFrames();
        client.drain(queue);
        byte[] bytes = client.bytes.toByteArray();

        for (long real : new long[] {UDP_RCV, UDP_RCV + 0x9a2, QUEUE_RCV, QUEUE_RCV + 0x10, UNNAMED}) {
            assertFalse(contains(bytes, real), String.format("0x%x is in the stream", real));
        }

        RecordNames names = new RecordNames();
        List<Long> seen = new ArrayList<>();
        List<Integer> trapIds = new ArrayList<>();
        new RecordReader(new ByteArrayInputStream(bytes)).read(names.feeding(ev -> {
            if (ev.origin() == DropOrigin.HARDWARE) {
                trapIds.add((int) ev.location());
            } else {
                seen.add(ev.location());
            }
        }));
        assertEquals(4, seen.size());
        assertEquals(seen.get(0), seen.get(3), "the same real address is made up the same way");
        assertEquals(new Symbol("__udp4_lib_rcv", null, 0x9a2, 0x1000), names.symbolAt(seen.get(0)));
        assertEquals(new Symbol("udp_queue_rcv_one_skb", "udp", 0x10, 0x800), names.symbolAt(seen.get(1)));
        assertNull(names.symbolAt(seen.get(2)), "an address no symbol names stays unnamed");
        assertNotEquals(seen.get(0), seen.get(1));
        List<Location> frames = names.stack(STACK);
        assertEquals(List.of("udp_queue_rcv_one_skb+0x10", "__udp4_lib_rcv+0x9a2"),
                frames.subList(0, 2).stream().map(f -> f.symbol().name() + "+0x" + Long.toHexString(f.symbol().offset()))
                        .toList());
        assertEquals(seen.get(1), frames.get(0).pc(), "a frame and an event at one address agree");
        assertNull(frames.get(2).symbol());
        assertEquals("NO_SOCKET", names.reason(3));
        assertEquals(List.of(17), trapIds, "a hardware drop's trap id is no address: kept");
    }

    @Test
    void rootGetsTheRealAddresses() throws Exception {
        ClientQueue queue = new ClientQueue(Daemon.Settings.DEFAULT_QUEUE_BYTES);
        ClientStream s = new ClientStream(StreamFrames.header(), REAL, true, queue, 2, () -> 1);
        s.release();
        s.drop(new DropEvent().set(1, 0, DropOrigin.SOFTWARE, UDP_RCV + 0x9a2, 3, STACK, 1));
        s.finish();
        StreamFrames client = new StreamFrames();
        client.drain(queue);
        assertTrue(contains(client.bytes.toByteArray(), UDP_RCV + 0x9a2));
        assertTrue(contains(client.bytes.toByteArray(), UNNAMED));
    }

    private static boolean contains(byte[] haystack, long value) {
        byte[] needle = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        outer:
        for (int i = 0; i + 8 <= haystack.length; i++) {
            for (int j = 0; j < 8; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
