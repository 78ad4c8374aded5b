// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.FilterParser;
import org.junit.jupiter.api.Test;

class RecordNamesTest {
    @Test
    void aFileCanBeFilteredWithTheNamesItCarries() throws IOException, FilterException {
        byte[] file = RecordFixtures.small(6);
        RecordNames names = new RecordNames();
        DropFilter filter = DropFilter.compile(FilterParser.parse("symbol =~ __udp* && reason == NO_SOCKET"), names);
        List<DropEvent> kept = new ArrayList<>();
        ReadResult result = new RecordReader(new ByteArrayInputStream(file)).read(names.feeding(e -> {
            if (filter.test(e)) {
                kept.add(e.copy());
            }
        }));
        assertTrue(result.complete());
        assertEquals(3, kept.size(), "the events at __udp4_lib_rcv, of 6");
        assertEquals("__udp4_lib_rcv", names.symbol(DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC));
        assertEquals("udp_queue_rcv_one_skb", names.resolve(RecordFixtures.QUEUE_RCV_PC).name());
        assertNull(names.resolve(RecordFixtures.QUEUE_RCV + 0x400), "past the symbol's end");
        assertNull(names.resolve(0x1000), "below every symbol");
        assertArrayEquals(new long[] {RecordFixtures.UDP_RCV_PC, RecordFixtures.QUEUE_RCV_PC}, names.stack(7));
        assertEquals("SOCKET_RCVBUFF", names.reason(RecordFixtures.SOCKET_RCVBUFF));
        assertEquals(2, names.symbolCount());
    }
}
