// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An immutable {@code struct perf_event_attr}, encoded with named offsets and explicit
 * little-endian writes. See perf_event_open(2) and include/uapi/linux/perf_event.h.
 *
 * <p>The encoding is {@link #SIZE} = 128 bytes, {@code PERF_ATTR_SIZE_VER7}: the size of the struct
 * in the Linux 6.1 userspace headers the layout check compiles against (it ends with
 * {@code sig_data}). Any kernel accepts it: perf_copy_attr() zero-extends a smaller struct (6.18
 * knows 136 bytes), and a kernel older than 5.13 only demands that the bytes past its own struct be
 * zero, which they are, because nothing dropscope sets lies beyond {@code sample_max_stack} (VER5,
 * Linux 4.8). The {@code size} field always says 128.
 *
 * <pre>{@code
 * ByteBuffer attr = PerfEventAttr.builder()
 *         .type(PerfConstants.PERF_TYPE_TRACEPOINT).config(tracepointId)
 *         .samplePeriod(1).sampleType(PERF_SAMPLE_RAW | PERF_SAMPLE_TIME)
 *         .disabled(true).wakeupEvents(1)
 *         .build().encode();
 * }</pre>
 */
public final class PerfEventAttr {

    /** Encoded size: PERF_ATTR_SIZE_VER7. */
    public static final int SIZE = 128;

    public static final int OFFSET_TYPE = 0;            // __u32
    public static final int OFFSET_SIZE = 4;            // __u32
    public static final int OFFSET_CONFIG = 8;          // __u64
    public static final int OFFSET_SAMPLE_PERIOD = 16;  // __u64, union with sample_freq
    public static final int OFFSET_SAMPLE_TYPE = 24;    // __u64
    public static final int OFFSET_READ_FORMAT = 32;    // __u64
    public static final int OFFSET_FLAGS = 40;          // __u64 bitfield, see BIT_*
    public static final int OFFSET_WAKEUP_EVENTS = 48;  // __u32, union with wakeup_watermark
    public static final int OFFSET_CLOCKID = 92;        // __s32
    public static final int OFFSET_SAMPLE_MAX_STACK = 108; // __u16

    // Bit positions inside the __u64 at OFFSET_FLAGS (LSB first, as gcc lays out bitfields on
    // little-endian targets; LayoutCheckTest finds each one by setting it in C). Only the bits a
    // setter below sets or clears; Builder.flag takes any other by number.
    public static final int BIT_DISABLED = 0;
    public static final int BIT_FREQ = 10;
    public static final int BIT_WATERMARK = 14;
    public static final int BIT_SAMPLE_ID_ALL = 18;
    public static final int BIT_EXCLUDE_CALLCHAIN_USER = 22;
    public static final int BIT_USE_CLOCKID = 25;

    private static final VarHandle U16 = MethodHandles.byteBufferViewVarHandle(short[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteBufferViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final int type;
    private final long config;
    private final long samplePeriod;
    private final long sampleType;
    private final long readFormat;
    private final long flags;
    private final int wakeup;
    private final int clockid;
    private final short sampleMaxStack;

    private PerfEventAttr(Builder b) {
        type = b.type;
        config = b.config;
        samplePeriod = b.samplePeriod;
        sampleType = b.sampleType;
        readFormat = b.readFormat;
        flags = b.flags;
        wakeup = b.wakeup;
        clockid = b.clockid;
        sampleMaxStack = b.sampleMaxStack;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns a new heap buffer holding the {@link #SIZE} encoded bytes, position 0. */
    public ByteBuffer encode() {
        ByteBuffer out = ByteBuffer.allocate(SIZE);
        encodeInto(out);
        return out.flip();
    }

    /**
     * Writes the {@link #SIZE} encoded bytes at {@code dst.position()} and advances the position.
     * Bytes of fields dropscope does not set are written as zero, as the kernel requires.
     *
     * @throws BufferOverflowException if fewer than {@link #SIZE} bytes remain
     */
    public void encodeInto(ByteBuffer dst) {
        if (dst.remaining() < SIZE) {
            throw new BufferOverflowException();
        }
        int base = dst.position();
        for (int i = 0; i < SIZE; i += Long.BYTES) {
            U64.set(dst, base + i, 0L);
        }
        U32.set(dst, base + OFFSET_TYPE, type);
        U32.set(dst, base + OFFSET_SIZE, SIZE);
        U64.set(dst, base + OFFSET_CONFIG, config);
        U64.set(dst, base + OFFSET_SAMPLE_PERIOD, samplePeriod);
        U64.set(dst, base + OFFSET_SAMPLE_TYPE, sampleType);
        U64.set(dst, base + OFFSET_READ_FORMAT, readFormat);
        U64.set(dst, base + OFFSET_FLAGS, flags);
        U32.set(dst, base + OFFSET_WAKEUP_EVENTS, wakeup);
        U32.set(dst, base + OFFSET_CLOCKID, clockid);
        U16.set(dst, base + OFFSET_SAMPLE_MAX_STACK, sampleMaxStack);
        dst.position(base + SIZE);
    }

    @Override
    public String toString() {
        return "perf_event_attr{type=" + type + ", config=0x" + Long.toHexString(config)
                + ", sample_period=" + samplePeriod + ", sample_type=0x" + Long.toHexString(sampleType)
                + ", read_format=0x" + Long.toHexString(readFormat) + ", flags=0x" + Long.toHexString(flags)
                + ", wakeup=" + Integer.toUnsignedString(wakeup) + ", clockid=" + clockid
                + ", sample_max_stack=" + Short.toUnsignedInt(sampleMaxStack) + '}';
    }

    /** Builds a {@link PerfEventAttr}; every field starts at zero, as in a memset struct. */
    public static final class Builder {
        private int type;
        private long config;
        private long samplePeriod;
        private long sampleType;
        private long readFormat;
        private long flags;
        private int wakeup;
        private int clockid;
        private short sampleMaxStack;

        private Builder() {
        }

        /** A PERF_TYPE_* value, or a dynamic PMU type from /sys/bus/event_source/devices. */
        public Builder type(int value) {
            type = value;
            return this;
        }

        /** For a tracepoint: the id from tracefs events/&lt;system&gt;/&lt;name&gt;/id. */
        public Builder config(long value) {
            config = value;
            return this;
        }

        /** Sample every {@code period} events; clears {@link #BIT_FREQ}. */
        public Builder samplePeriod(long period) {
            samplePeriod = period;
            return flag(BIT_FREQ, false);
        }

        /** An OR of PERF_SAMPLE_* bits. */
        public Builder sampleType(long bits) {
            sampleType = bits;
            return this;
        }

        /** An OR of PERF_FORMAT_* bits. */
        public Builder readFormat(long bits) {
            readFormat = bits;
            return this;
        }

        /** Sets or clears one bit of the flag word (a BIT_* constant, 0 to 63). */
        public Builder flag(int bit, boolean on) {
            if (bit < 0 || bit >= Long.SIZE) {
                throw new IllegalArgumentException("flag bit " + bit + " (expected: 0-63)");
            }
            flags = on ? flags | 1L << bit : flags & ~(1L << bit);
            return this;
        }

        public Builder disabled(boolean on) {
            return flag(BIT_DISABLED, on);
        }

        public Builder sampleIdAll(boolean on) {
            return flag(BIT_SAMPLE_ID_ALL, on);
        }

        public Builder excludeCallchainUser(boolean on) {
            return flag(BIT_EXCLUDE_CALLCHAIN_USER, on);
        }

        /** Wake a poller every {@code count} samples; clears {@link #BIT_WATERMARK}. */
        public Builder wakeupEvents(int count) {
            wakeup = requireNonNegative(count, "wakeup_events");
            return flag(BIT_WATERMARK, false);
        }

        /** Wake a poller once {@code bytes} are unread; sets {@link #BIT_WATERMARK}. */
        public Builder wakeupWatermark(int bytes) {
            wakeup = requireNonNegative(bytes, "wakeup_watermark");
            return flag(BIT_WATERMARK, true);
        }

        /** Time samples with this clock (a CLOCK_* id); sets {@link #BIT_USE_CLOCKID}. */
        public Builder clockid(int clock) {
            clockid = clock;
            return flag(BIT_USE_CLOCKID, true);
        }

        /** Caps the frames of a callchain sample; 0 means the kernel's perf_event_max_stack. */
        public Builder sampleMaxStack(int frames) {
            if (frames < 0 || frames > 0xffff) {
                throw new IllegalArgumentException("sample_max_stack " + frames + " (expected: 0-65535)");
            }
            sampleMaxStack = (short) frames;
            return this;
        }

        public PerfEventAttr build() {
            return new PerfEventAttr(this);
        }

        private static int requireNonNegative(int value, String what) {
            if (value < 0) {
                throw new IllegalArgumentException(what + " " + value + " (expected: >= 0)");
            }
            return value;
        }
    }
}
