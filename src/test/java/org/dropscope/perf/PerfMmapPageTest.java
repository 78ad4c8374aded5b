// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PerfMmapPageTest {

    /** An auxv with AT_HWCAP (16), AT_PAGESZ (6) = 16384, AT_NULL: (u64 type, u64 value) pairs. */
    private static ByteBuffer auxv(long... pairs) {
        ByteBuffer b = ByteBuffer.allocate(pairs.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : pairs) {
            b.putLong(v);
        }
        return b.flip();
    }

    @Test
    void findsThePageSizeInAuxv() {
        assertEquals(16384, PerfMmapPage.pageSize(auxv(16, 0x178bfbff, 6, 16384, 0, 0)));
    }

    @Test
    void stopsAtAtNullAndRejectsAnAuxvWithoutAPageSize() {
        assertThrows(IllegalArgumentException.class, () -> PerfMmapPage.pageSize(auxv(16, 1, 0, 0, 6, 4096)));
        assertThrows(IllegalArgumentException.class, () -> PerfMmapPage.pageSize(auxv()));
    }

    @Test
    void theLivePageSizeIsAPowerOfTwo() {
        int size = PerfMmapPage.pageSize();
        assertTrue(size >= 4096 && Integer.bitCount(size) == 1, "page size " + size);
    }

    @Test
    void aMappingIsOneMetadataPagePlusAPowerOfTwoDataPages() {
        assertEquals(9 * 4096L, PerfMmapPage.mappingLength(8, 4096));
        assertEquals(2 * 65536L, PerfMmapPage.mappingLength(1, 65536));
        assertThrows(IllegalArgumentException.class, () -> PerfMmapPage.mappingLength(3, 4096));
        assertThrows(IllegalArgumentException.class, () -> PerfMmapPage.mappingLength(0, 4096));
    }
}
