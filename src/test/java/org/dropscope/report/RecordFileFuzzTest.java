// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.zip.CRC32C;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;

/**
 * Fuzz target: a record file read by {@link ReportReader} (so by {@code RecordReader}) into a
 * report. Input: byte 0 picks the group keys (bits 0-6, a bit per {@link GroupKey}, none: the
 * default) and, with bit 7, has the header's and the blocks' CRC32C recomputed first, so that
 * mutations reach the records and not only the checksum test; the rest is the file. Oracle: only IOException (RecordFormatException for a damaged header; damage
 * later is the report's {@link Report.Damage}, not an exception); a complete report has no
 * damage; its rows add up to its total, and no count is negative (u64 in the file).
 */
public class RecordFileFuzzTest extends FuzzTarget {
    @Override
    public List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (boolean stacks : new boolean[] {false, true}) {
            seeds.add(Fuzzing.concat(new byte[] {0}, ReportFiles.write(ReportFiles.events(6, stacks), 4)));
            seeds.add(Fuzzing.concat(new byte[] {(byte) 0x80}, ReportFiles.write(ReportFiles.events(9, stacks), 3)));
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
        byte[] file = (data[0] & 0x80) != 0 ? withChecksums(data) : data;
        ReportReader.Result result;
        try {
            result = ReportReader.read(new ByteArrayInputStream(file, 1, file.length - 1), query, null,
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
            assertTrue(row.count() > 0, "a row counts drops");
            sum += row.count();
        }
        assertEquals(r.total(), sum, "rows add up to the total");
        assertTrue(r.total() >= 0 && r.lost() >= 0, "counts are u64: never negative in a report");
    }

    /**
     * A copy of {@code input} (selector byte first) whose file header and blocks, as far as their
     * lengths frame them, carry the CRC32C of what they hold (docs/file-format.md).
     */
    private static byte[] withChecksums(byte[] input) {
        byte[] d = input.clone();
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int p = 1 + 16;
        if (d.length < p) {
            return d;
        }
        long headerLen = Integer.toUnsignedLong(b.getInt(1 + 12));
        if (p + headerLen + 4 > d.length) {
            return d;
        }
        CRC32C crc = new CRC32C();
        crc.update(d, 1 + 8, 8 + (int) headerLen);
        b.putInt(p + (int) headerLen, (int) crc.getValue());
        p += (int) headerLen + 4;
        while (p + 20 <= d.length && d[p] == 'D' && d[p + 1] == 'S' && d[p + 2] == 'B' && d[p + 3] == 'K') {
            long payload = Integer.toUnsignedLong(b.getInt(p + 8));
            if (p + 20 + payload > d.length) {
                break;
            }
            crc.reset();
            crc.update(d, p + 4, 12);
            crc.update(d, p + 20, (int) payload);
            b.putInt(p + 16, (int) crc.getValue());
            p += 20 + (int) payload;
        }
        return d;
    }
}
