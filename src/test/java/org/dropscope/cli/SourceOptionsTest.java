// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dropscope.perf.PerfMmapPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceOptionsTest {
    @ParameterizedTest
    @ValueSource(ints = {4096, 16384, 65536})
    void theLargestRingStillMapsAsOneBuffer(int pageSize) {
        int max = SourceOptions.maxRingPages(pageSize);
        assertEquals(1, Integer.bitCount(max));
        assertTrue((max + 1L) * pageSize <= Integer.MAX_VALUE, "mapping of the largest ring");
        assertTrue((2L * max + 1) * pageSize > Integer.MAX_VALUE, "mapping of the next power of two");
    }

    @Test
    void ringPagesBeyondTheLargestMappableRingAreRejectedUpFront() {
        SourceOptions o = new SourceOptions();
        o.ringPages = 2 * SourceOptions.maxRingPages(PerfMmapPage.pageSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
        assertTrue(e.getMessage().startsWith("--ring-pages must be a power of two from 1 to "), e.getMessage());
    }

    @Test
    void ringPagesThatAreNotAPowerOfTwoAreRejected() {
        SourceOptions o = new SourceOptions();
        o.ringPages = 3;
        assertThrows(IllegalArgumentException.class, o::validate);
        o.ringPages = SourceOptions.maxRingPages(PerfMmapPage.pageSize());
        o.validate();
    }

    @Test
    void aNetDmSocketBufferSmallerThanAPageIsRejected() {
        SourceOptions o = new SourceOptions();
        o.ringPages = 1;
        o.validate();
        o.netDmBufferBytes = 4095;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
        assertEquals("--netdm-bufsize must be at least 4096 bytes, got 4095", e.getMessage());
    }

    @Test
    void anAlertModeWithTheTracepointSourceIsRejected() {
        SourceOptions o = new SourceOptions();
        o.ringPages = 1;
        o.alertMode = SourceOptions.AlertMode.packet;
        o.source = SourceOptions.Kind.auto;
        o.validate();
        o.source = SourceOptions.Kind.tracepoint;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
        assertEquals("--alert-mode sets NET_DM's alerts; the tracepoint source has none", e.getMessage());
    }
}
