// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header's fields as tag-length-value items (tag u16, length u32, value), in the order of
 * docs/file-format.md. Decoding skips tags it does not know, so a newer minor version can add
 * fields.
 */
final class HeaderCodec {
    private static final int ITEM_HEADER = 6;
    private static final int CLOCK_BYTES = 20;
    /** CPU ids an event can name: its CPU field is a u16. */
    private static final long MAX_CPUS = 1 << 16;

    private HeaderCodec() {
    }

    static byte[] encode(RecordHeader h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        text(out, RecordFormat.TAG_KERNEL_RELEASE, h.kernelRelease());
        text(out, RecordFormat.TAG_HOSTNAME, h.hostname());
        text(out, RecordFormat.TAG_BOOT_ID, h.bootId());
        item(out, RecordFormat.TAG_SOURCE, new byte[] {(byte) h.source().code()});
        text(out, RecordFormat.TAG_SOURCE_DESCRIPTION, h.sourceDescription());
        if (h.tracepointFormat() != null) {
            text(out, RecordFormat.TAG_TRACEPOINT_FORMAT, h.tracepointFormat());
        }
        ByteBuffer clock = le(CLOCK_BYTES).putInt(h.clock().id()).putLong(h.clock().startNanos())
                .putLong(h.clock().realtimeStartNanos());
        item(out, RecordFormat.TAG_CLOCK, clock.array());
        item(out, RecordFormat.TAG_CPUS, le(4).putInt(h.cpus()).array());
        if (h.filter() != null) {
            text(out, RecordFormat.TAG_FILTER, h.filter());
        }
        for (Map.Entry<String, String> p : h.properties().entrySet()) {
            byte[] k = RecordFormat.utf8(p.getKey());
            byte[] v = RecordFormat.utf8(p.getValue());
            if (k.length > 0xffff) {
                throw new IllegalArgumentException("property name longer than 65535 bytes");
            }
            item(out, RecordFormat.TAG_PROPERTY, le(2 + k.length + v.length).putShort((short) k.length).put(k).put(v)
                    .array());
        }
        return out.toByteArray();
    }

    /**
     * @param fields the header's field bytes
     * @param base offset of {@code fields} in the file, for messages
     */
    static RecordHeader decode(ByteBuffer fields, long base) throws RecordFormatException {
        fields.order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, byte[]> seen = new LinkedHashMap<>();
        Map<String, String> properties = new LinkedHashMap<>();
        while (fields.hasRemaining()) {
            long at = base + fields.position();
            if (fields.remaining() < ITEM_HEADER) {
                throw corrupt(at, "header field cut short: " + fields.remaining() + " bytes (expected: 6+)");
            }
            int tag = Short.toUnsignedInt(fields.getShort());
            int len = fields.getInt();
            if (len < 0 || len > fields.remaining()) {
                throw corrupt(at, "header field " + tag + " has length " + Integer.toUnsignedString(len)
                        + ", exceeds the remaining " + fields.remaining() + " bytes");
            }
            byte[] value = new byte[len];
            fields.get(value);
            if (tag == RecordFormat.TAG_PROPERTY) {
                ByteBuffer p = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
                int klen = p.remaining() >= 2 ? Short.toUnsignedInt(p.getShort()) : -1;
                if (klen < 0 || klen > p.remaining()) {
                    throw corrupt(at, "malformed property field");
                }
                properties.put(new String(value, 2, klen, StandardCharsets.UTF_8),
                        new String(value, 2 + klen, len - 2 - klen, StandardCharsets.UTF_8));
            } else {
                seen.put(tag, value);
            }
        }
        byte[] source = need(seen, RecordFormat.TAG_SOURCE, 1, base, "source");
        SourceKind kind = SourceKind.ofCode(source[0] & 0xff);
        if (kind == null) {
            throw corrupt(base, "unknown source " + (source[0] & 0xff) + " (expected: 1 tracepoint, 2 netdm)");
        }
        ByteBuffer clock = ByteBuffer.wrap(need(seen, RecordFormat.TAG_CLOCK, CLOCK_BYTES, base, "clock"))
                .order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer cpus = ByteBuffer.wrap(need(seen, RecordFormat.TAG_CPUS, 4, base, "cpus"))
                .order(ByteOrder.LITTLE_ENDIAN);
        long cpuCount = Integer.toUnsignedLong(cpus.getInt());
        if (cpuCount < 1 || cpuCount > MAX_CPUS) {
            throw corrupt(base, "cpus field is " + cpuCount + " (expected: 1 to " + MAX_CPUS
                    + ", as events name their CPU in a u16)");
        }
        int clockId = clock.getInt();
        long start = clock.getLong();
        long realtimeStart = clock.getLong();
        if (start < 0 || realtimeStart < 0) {
            throw corrupt(base, "the clock field's " + (start < 0 ? "start " + Long.toUnsignedString(start)
                    : "wall-clock start " + Long.toUnsignedString(realtimeStart)) + " ns is past 2^63 - 1 (2262-04-11),"
                    + " the last time 64-bit nanoseconds hold");
        }
        return new RecordHeader(text(seen, RecordFormat.TAG_KERNEL_RELEASE, base, "kernel release"),
                text(seen, RecordFormat.TAG_HOSTNAME, base, "hostname"),
                text(seen, RecordFormat.TAG_BOOT_ID, base, "boot id"), kind,
                text(seen, RecordFormat.TAG_SOURCE_DESCRIPTION, base, "source description"),
                optionalText(seen, RecordFormat.TAG_TRACEPOINT_FORMAT),
                new RecordHeader.Clock(clockId, start, realtimeStart), (int) cpuCount,
                optionalText(seen, RecordFormat.TAG_FILTER), properties);
    }

    private static byte[] need(Map<Integer, byte[]> seen, int tag, int size, long base, String what)
            throws RecordFormatException {
        byte[] v = seen.get(tag);
        if (v == null) {
            throw corrupt(base, "the header has no " + what + " field");
        }
        if (v.length < size) {
            throw corrupt(base, "the " + what + " field has " + v.length + " bytes (expected: " + size + "+)");
        }
        return v;
    }

    private static String text(Map<Integer, byte[]> seen, int tag, long base, String what)
            throws RecordFormatException {
        return new String(need(seen, tag, 0, base, what), StandardCharsets.UTF_8);
    }

    private static String optionalText(Map<Integer, byte[]> seen, int tag) {
        byte[] v = seen.get(tag);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static RecordFormatException corrupt(long at, String message) {
        return new RecordFormatException(RecordFormatException.Kind.CORRUPT, at, RecordFormatException.HEADER, message);
    }

    private static void text(ByteArrayOutputStream out, int tag, String s) {
        item(out, tag, RecordFormat.utf8(s));
    }

    private static void item(ByteArrayOutputStream out, int tag, byte[] value) {
        out.writeBytes(le(ITEM_HEADER).putShort((short) tag).putInt(value.length).array());
        out.writeBytes(value);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
