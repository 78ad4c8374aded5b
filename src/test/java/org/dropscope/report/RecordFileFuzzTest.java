// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;

/**
 * Fuzz target: a record file read by {@link ReportReader} (so by {@code RecordReader}) into a
 * report. Input: byte 0 picks the group keys (a bit per {@link GroupKey}, none: the default), the
 * rest is the file. Oracle: only IOException (RecordFormatException for a damaged header; damage
 * later is the report's {@link Report.Damage}, not an exception); a complete report has no
 * damage; its rows add up to its total.
 */
public class RecordFileFuzzTest extends FuzzTarget {
    @Override
    public List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (boolean stacks : new boolean[] {false, true}) {
            seeds.add(Fuzzing.concat(new byte[] {0}, ReportFiles.write(ReportFiles.events(6, stacks), 4)));
        }
        seeds.add(Fuzzing.concat(new byte[] {(byte) 0x7f}, ReportFiles.write(ReportFiles.events(3, true), 1)));
        return seeds;
    }


    @Override
    public void fuzzOne(byte[] data) {
        if (data.length < 1) {
            return;
        }
        List<GroupKey> groups = new ArrayList<>();
        for (GroupKey k : GroupKey.values()) {
            if ((data[0] & (1 << k.ordinal())) != 0) {
                groups.add(k);
            }
        }
        ReportQuery query = new ReportQuery(groups.isEmpty() ? GroupKey.DEFAULT : groups, null, null, null,
                ZoneOffset.UTC);
        ReportReader.Result result;
        try {
            result = ReportReader.read(new ByteArrayInputStream(data, 1, data.length - 1), query, null,
                    OptionalInt.empty());
        } catch (IOException e) {
            assertNotNull(e.getMessage());
            return;
        }
        Report r = result.report();
        if (r.complete()) {
            assertNull(r.damage(), "a complete report has no damage");
        }
        long sum = 0;
        for (Report.Row row : r.rows()) {
            sum += row.count();
        }
        assertEquals(r.total(), sum, "rows add up to the total");
    }
}
