// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Field positions of a PERF_RECORD_SAMPLE, in the order perf_event_open(2) gives. */
class SampleFormatTest {
    @Test
    void fixedFieldsComeBeforeTheVariableOnes() {
        SampleFormat f = new SampleFormat(PerfConstants.PERF_SAMPLE_IDENTIFIER | PerfConstants.PERF_SAMPLE_TIME
                | PerfConstants.PERF_SAMPLE_RAW);
        assertEquals(8, f.identifierOffset());
        assertEquals(16, f.timeOffset());
        assertEquals(24, f.variableOffset());
        assertFalse(f.hasGroupRead());
        assertEquals(-1, new SampleFormat(PerfConstants.PERF_SAMPLE_RAW).identifierOffset());
    }

    @Test
    void aGroupReadIsTheFirstVariablePart() {
        SampleFormat f = new SampleFormat(PerfConstants.PERF_SAMPLE_IDENTIFIER | PerfConstants.PERF_SAMPLE_READ
                | PerfConstants.PERF_SAMPLE_RAW, PerfConstants.PERF_FORMAT_GROUP);
        assertTrue(f.hasGroupRead());
        assertEquals(PerfConstants.PERF_FORMAT_GROUP, f.readFormat());
        assertEquals(16, f.variableOffset());
    }

    @Test
    void aReadFormatWhoseValuesCannotBeSkippedSafelyIsRefused() {
        long type = PerfConstants.PERF_SAMPLE_READ | PerfConstants.PERF_SAMPLE_RAW;
        assertThrows(IllegalArgumentException.class, () -> new SampleFormat(type));
        assertThrows(IllegalArgumentException.class, () -> new SampleFormat(type,
                PerfConstants.PERF_FORMAT_GROUP | PerfConstants.PERF_FORMAT_ID));
        assertThrows(IllegalArgumentException.class, () -> new SampleFormat(PerfConstants.PERF_SAMPLE_TIME));
        assertThrows(IllegalArgumentException.class, () -> new SampleFormat(PerfConstants.PERF_SAMPLE_RAW
                | (1L << 11)));   // PERF_SAMPLE_BRANCH_STACK
    }

    @Test
    void theReadFormatMattersOnlyWithARead() {
        assertEquals(0, new SampleFormat(PerfConstants.PERF_SAMPLE_RAW, PerfConstants.PERF_FORMAT_LOST).readFormat());
    }
}
