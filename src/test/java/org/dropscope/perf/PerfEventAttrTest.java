// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PerfEventAttrTest {

    /** The skb:kfree_skb sampling attr a collector would build, byte by byte (little-endian). */
    private static final String TRACEPOINT_ATTR = ""
            + "02000000"          // 0   type: PERF_TYPE_TRACEPOINT
            + "80000000"          // 4   size: 128
            + "0807060504030201"  // 8   config: tracepoint id 0x0102030405060708
            + "0100000000000000"  // 16  sample_period: 1
            + "8504000000000000"  // 24  sample_type: IP|TIME|CPU|RAW = 0x485
            + "0400000000000000"  // 32  read_format: PERF_FORMAT_ID
            + "0140440202000000"  // 40  flags: disabled(0) watermark(14) sample_id_all(18)
                                  //     exclude_callchain_user(22) use_clockid(25) and bit 33
            + "00100000"          // 48  wakeup_watermark: 4096
            + "00000000"          // 52  bp_type
            + "0000000000000000"  // 56  config1
            + "0000000000000000"  // 64  config2
            + "0000000000000000"  // 72  branch_sample_type
            + "0000000000000000"  // 80  sample_regs_user
            + "00000000"          // 88  sample_stack_user
            + "01000000"          // 92  clockid: CLOCK_MONOTONIC
            + "0000000000000000"  // 96  sample_regs_intr
            + "00000000"          // 104 aux_watermark
            + "7f00"              // 108 sample_max_stack: 127
            + "0000"              // 110 __reserved_2
            + "00000000"          // 112 aux_sample_size
            + "00000000"          // 116 __reserved_3
            + "0000000000000000"; // 120 sig_data

    private static PerfEventAttr tracepointAttr() {
        return PerfEventAttr.builder()
                .type(PerfConstants.PERF_TYPE_TRACEPOINT)
                .config(0x0102030405060708L)
                .samplePeriod(1)
                .sampleType(PerfConstants.PERF_SAMPLE_IP | PerfConstants.PERF_SAMPLE_TIME
                        | PerfConstants.PERF_SAMPLE_CPU | PerfConstants.PERF_SAMPLE_RAW)
                .readFormat(PerfConstants.PERF_FORMAT_ID)
                .disabled(true)
                .wakeupWatermark(4096)
                .sampleIdAll(true)
                .excludeCallchainUser(true)
                .clockid(PerfConstants.CLOCK_MONOTONIC)
                .flag(33, true)
                .sampleMaxStack(127)
                .build();
    }

    @Test
    void encodesEveryFieldAtItsOffset() {
        ByteBuffer encoded = tracepointAttr().encode();
        assertEquals(0, encoded.position());
        assertEquals(PerfEventAttr.SIZE, encoded.remaining());
        assertEquals(TRACEPOINT_ATTR, HexFormat.of().formatHex(bytes(encoded)));
    }

    @Test
    void encodeIntoWritesAtThePositionOverwritesGarbageAndIgnoresTheBufferOrder() {
        ByteBuffer dst = ByteBuffer.allocateDirect(3 + PerfEventAttr.SIZE + 5).order(ByteOrder.BIG_ENDIAN);
        while (dst.hasRemaining()) {
            dst.put((byte) 0xee);
        }
        dst.position(3);
        tracepointAttr().encodeInto(dst);

        assertEquals(3 + PerfEventAttr.SIZE, dst.position());
        byte[] all = bytes(dst.duplicate().clear());
        assertEquals("eeeeee", HexFormat.of().formatHex(all, 0, 3));
        assertEquals(TRACEPOINT_ATTR, HexFormat.of().formatHex(all, 3, 3 + PerfEventAttr.SIZE));
        assertEquals("eeeeeeeeee", HexFormat.of().formatHex(all, 3 + PerfEventAttr.SIZE, all.length));
    }

    @Test
    void aZeroBuilderEncodesOnlyTheSize() {
        byte[] expected = new byte[PerfEventAttr.SIZE];
        expected[PerfEventAttr.OFFSET_SIZE] = (byte) 0x80;
        assertArrayEquals(expected, bytes(PerfEventAttr.builder().build().encode()));
    }

    @Test
    void eachFlagSetterSetsOnlyItsBit() {
        Map<Integer, UnaryOperator<PerfEventAttr.Builder>> setters = Map.ofEntries(
                Map.entry(PerfEventAttr.BIT_DISABLED, b -> b.disabled(true)),
                Map.entry(PerfEventAttr.BIT_WATERMARK, b -> b.wakeupWatermark(1)),
                Map.entry(PerfEventAttr.BIT_SAMPLE_ID_ALL, b -> b.sampleIdAll(true)),
                Map.entry(PerfEventAttr.BIT_EXCLUDE_CALLCHAIN_USER, b -> b.excludeCallchainUser(true)),
                Map.entry(PerfEventAttr.BIT_USE_CLOCKID, b -> b.clockid(PerfConstants.CLOCK_MONOTONIC)));
        setters.forEach((bit, setter) -> assertEquals(1L << bit, flags(setter.apply(PerfEventAttr.builder())),
                "encoded bit " + bit));
    }

    @Test
    void unionsFollowTheirSelectorBits() {
        PerfEventAttr.Builder b = PerfEventAttr.builder().flag(PerfEventAttr.BIT_FREQ, true).wakeupWatermark(8192);
        assertEquals(1L << PerfEventAttr.BIT_FREQ | 1L << PerfEventAttr.BIT_WATERMARK, flags(b));
        assertEquals(8192, encoded(b).getInt(PerfEventAttr.OFFSET_WAKEUP_EVENTS));

        b.samplePeriod(1).wakeupEvents(16).disabled(true).disabled(false);
        assertEquals(0, flags(b), "a period clears freq, a count clears watermark");
        assertEquals(1, encoded(b).getLong(PerfEventAttr.OFFSET_SAMPLE_PERIOD));
        assertEquals(16, encoded(b).getInt(PerfEventAttr.OFFSET_WAKEUP_EVENTS));
    }

    @Test
    void rejectsValuesTheFieldsCannotHold() {
        PerfEventAttr.Builder b = PerfEventAttr.builder();
        assertThrows(IllegalArgumentException.class, () -> b.sampleMaxStack(65536));
        assertThrows(IllegalArgumentException.class, () -> b.sampleMaxStack(-1));
        assertThrows(IllegalArgumentException.class, () -> b.wakeupEvents(-1));
        assertThrows(IllegalArgumentException.class, () -> b.flag(64, true));
        assertEquals((short) 65535, encoded(b.sampleMaxStack(65535)).getShort(PerfEventAttr.OFFSET_SAMPLE_MAX_STACK));
        ByteBuffer small = ByteBuffer.allocate(PerfEventAttr.SIZE - 1);
        assertThrows(BufferOverflowException.class, () -> b.build().encodeInto(small));
        assertEquals(0, small.position());
    }

    private static ByteBuffer encoded(PerfEventAttr.Builder b) {
        return b.build().encode().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long flags(PerfEventAttr.Builder b) {
        return encoded(b).getLong(PerfEventAttr.OFFSET_FLAGS);
    }

    private static byte[] bytes(ByteBuffer buf) {
        byte[] out = new byte[buf.remaining()];
        buf.duplicate().get(out);
        return out;
    }
}
