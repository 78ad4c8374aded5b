// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.record.RecordVisitor;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {
    private static final long START = ReportFiles.START_EPOCH_NANOS;

    private static ReportBuilder begun() {
        ReportBuilder b = new ReportBuilder(ReportQuery.of(GroupKey.DEFAULT));
        b.begin(new ReportFacts("pcap", "netdm", "a capture", null, null, START, null, null), 0);
        return b;
    }

    private static void drop(RecordVisitor v, long time, long count) {
        v.drop(new DropEvent().set(time, 0, DropOrigin.SOFTWARE, ReportFiles.PCS[0], DropSink.NO_REASON,
                DropSink.NO_STACK, count));
    }

    /** A total that would pass 2^63 - 1 ends the counting like damage: never a negative total. */
    @Test
    void aTotalPastSixtyThreeBitsEndsTheCountingAsDamage() {
        ReportBuilder b = begun();
        drop(b.visitor(), START, Long.MAX_VALUE - 1);
        drop(b.visitor(), START + 1, 1);
        drop(b.visitor(), START + 2, 1);
        drop(b.visitor(), START + 3, 5);
        Report r = b.finish(true, null);
        assertEquals(Long.MAX_VALUE, r.total());
        assertEquals(Long.MAX_VALUE, r.rows().get(0).count());
        assertFalse(r.complete());
        assertEquals("the count of 1 at 2026-11-22T06:00:00.000000002Z takes the total of 9223372036854775807 past"
                + " 2^63 - 1", r.damage().message());

        ReportBuilder lost = begun();
        lost.visitor().lost(START, 0, 3);
        lost.visitor().lost(START, 0, -1);
        drop(lost.visitor(), START + 1, 1);
        Report l = lost.finish(true, null);
        assertEquals(3, l.lost());
        assertEquals(0, l.total(), "nothing is counted after the overflow");
        assertTrue(l.damage().message().startsWith("the count of 18446744073709551615 at "), l.damage().message());
    }

    @Test
    void countsThatFitAreAReportWithoutDamage() {
        ReportBuilder b = begun();
        drop(b.visitor(), START, Long.MAX_VALUE - 1);
        drop(b.visitor(), START + 1, 1);
        Report r = b.finish(true, null);
        assertTrue(r.complete());
        assertNull(r.damage());
        assertEquals(Long.MAX_VALUE, r.total());
    }
}
