// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropTableTest {
    /** Keys differing in one field each, many more than the first capacity, interleaved: every count lands in its own row. */
    @Test
    void everyKeyKeepsItsOwnCountAcrossGrowth() {
        DropTable t = new DropTable(16);
        Map<List<Long>, Long> expected = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5000; i++) {
                long location = 0xffffffff81000000L + (i % 50);
                int reason = i % 7;
                int stack = i % 3 - 1;
                long small = DropTable.small(i % 2, i % 4, i % 5 == 0 ? 0x86dd : 0x800);
                long second = i / 1000;
                t.add(location, reason, stack, small, second, round + 1);
                expected.merge(List.of(location, (long) reason, (long) stack, small, second), (long) round + 1, Long::sum);
            }
        }
        Map<List<Long>, Long> got = new HashMap<>();
        t.forEach((location, origin, reason, stack, cpu, protocol, second, count) -> got.put(List.of(location,
                (long) reason, (long) stack, DropTable.small(origin, cpu, protocol), second), count));
        assertEquals(expected.size(), t.size());
        assertEquals(expected, got);
    }
}
