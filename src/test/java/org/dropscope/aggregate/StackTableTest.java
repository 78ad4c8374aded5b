// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class StackTableTest {
    @Test
    void sameChainSameIdAndScratchReuseIsSafe() {
        StackTable t = new StackTable(16);
        long[] scratch = {0xffffffff81000010L, 0xffffffff81000020L, 0xffffffff81000030L, 99};
        int a = t.intern(scratch, 3);
        scratch[0] = 0xffffffff81000011L;
        int b = t.intern(scratch, 3);
        scratch[0] = 0xffffffff81000010L;
        assertEquals(a, t.intern(scratch, 3));
        assertNotEquals(a, b);
        assertNotEquals(a, t.intern(scratch, 2), "a prefix is a different chain");
        assertArrayEquals(new long[] {0xffffffff81000010L, 0xffffffff81000020L, 0xffffffff81000030L}, t.chain(a));
        assertEquals(3, t.size());
    }

    @Test
    void fullTableAndUnknownIds() {
        StackTable t = new StackTable(4);
        for (int i = 0; i < 3; i++) {
            assertNotEquals(-1, t.intern(new long[] {i}, 1));
        }
        assertEquals(-1, t.intern(new long[] {42}, 1));
        assertEquals(0, t.chain(-1).length);
        assertEquals(0, t.chain(1000).length);
    }
}
