// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.dropscope.perf.RingImage;
import org.junit.jupiter.api.Test;

/** The perf_event_attrs {@link TracepointSetup} makes, as the kernel reads them. */
class TracepointSetupTest {
    /** perf_event_attr.wakeup_watermark, a u32 (include/uapi/linux/perf_event.h). */
    private static final int WAKEUP_WATERMARK = 48;

    /**
     * A counting group's reader wakes at a sixteenth of its ring, so that it can promote keys
     * before the ring fills; a sampling event's at a quarter.
     */
    @Test
    void aCountingGroupsRingWakesItsReaderSooner() throws Exception {
        TracepointOptions options = new TracepointOptions(64, false, 100, null, false, 1000);
        TracepointSetup setup = FakeTracepoint.setup(options, 2);
        int ring = 64 * RingImage.PAGE;
        assertEquals(ring / 16, watermark(setup.groupLeaderAttr()));
        assertEquals(ring / 4, watermark(setup.perfEventAttr(true)));
    }

    private static int watermark(ByteBuffer attr) {
        return attr.duplicate().order(ByteOrder.nativeOrder()).getInt(WAKEUP_WATERMARK);
    }
}
