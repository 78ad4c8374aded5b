// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.ksym.KernelSymbol;

/**
 * Reads a record file (docs/file-format.md) from any stream, a pipe included, in constant
 * memory: one block at a time, each checked against its CRC32C before any of its records is
 * handed over, and one reused {@link DropEvent}.
 *
 * <p>Damage does not lose what came before it: {@link #read} hands over every record of every
 * good block and returns, in its {@link ReadResult}, a {@link RecordFormatException} saying
 * where the damage is (byte offset, block number) and what it is (cut short, checksum mismatch,
 * blocks out of sequence, no end marker). Only a damaged header, or a major version this code does
 * not read, is thrown. Record types and header fields of a newer minor version are skipped.
 */
public final class RecordReader {
    /** Origins by their code ({@code enum net_dm_origin}), without {@code values()}'s copy per event. */
    private static final DropOrigin[] ORIGINS = {DropOrigin.ofCode(0), DropOrigin.ofCode(1)};
    private final InputStream in;
    private final CRC32C crc = new CRC32C();
    private final byte[] blockHeader = new byte[RecordFormat.BLOCK_HEADER_BYTES];
    private final ByteBuffer blockHeaderBuf = ByteBuffer.wrap(blockHeader).order(ByteOrder.LITTLE_ENDIAN);
    private final DropEvent event = new DropEvent();
    private byte[] payload = new byte[256 << 10];
    private RecordHeader header;
    private int minor;
    private long position;
    /** The latest event time whose wall-clock time fits in 64-bit nanoseconds. */
    private long lastTime;

    /** @param in the file's bytes from its first; the caller closes it */
    public RecordReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads and checks the file header, on the first call.
     *
     * @throws RecordFormatException not a record file, a damaged header, or a newer major version
     * @throws IOException if the stream fails
     */
    public RecordHeader header() throws IOException {
        if (header != null) {
            return header;
        }
        byte[] fixed = new byte[RecordFormat.MAGIC.length + 8];
        int n = in.readNBytes(fixed, 0, fixed.length);
        if (n == 0) {
            throw headerDamage(RecordFormatException.Kind.TRUNCATED, 0, "not a dropscope record file: it is empty");
        }
        if (!RecordFormat.isMagic(fixed, Math.min(n, RecordFormat.MAGIC.length))) {
            throw headerDamage(RecordFormatException.Kind.CORRUPT, 0,
                    "not a dropscope record file: the first bytes are not 0x89 \"DSREC\" CR LF");
        }
        if (n < fixed.length) {
            throw headerDamage(RecordFormatException.Kind.TRUNCATED, n, "the header is cut short after " + n + " bytes");
        }
        ByteBuffer f = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
        int major = Short.toUnsignedInt(f.getShort(8));
        minor = Short.toUnsignedInt(f.getShort(10));
        if (major != RecordFormat.MAJOR) {
            throw headerDamage(RecordFormatException.Kind.UNSUPPORTED_VERSION, 8, "the file is in record format "
                    + major + "." + minor + "; this dropscope reads format " + RecordFormat.MAJOR + ".x"
                    + (major > RecordFormat.MAJOR ? ": read it with a newer dropscope" : ""));
        }
        long len = Integer.toUnsignedLong(f.getInt(12));
        if (len > RecordFormat.MAX_HEADER_BYTES) {
            throw headerDamage(RecordFormatException.Kind.CORRUPT, 12, "header length " + len
                    + " exceeds the limit of " + RecordFormat.MAX_HEADER_BYTES + " bytes");
        }
        byte[] fields = new byte[(int) len + 4];
        int got = in.readNBytes(fields, 0, fields.length);
        if (got < fields.length) {
            throw headerDamage(RecordFormatException.Kind.TRUNCATED, fixed.length + got,
                    "the header is cut short: " + got + " of " + fields.length + " bytes after the version");
        }
        crc.reset();
        crc.update(fixed, RecordFormat.MAGIC.length, 8);
        crc.update(fields, 0, (int) len);
        int stored = ByteBuffer.wrap(fields, (int) len, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (stored != (int) crc.getValue()) {
            throw headerDamage(RecordFormatException.Kind.CORRUPT, 0, "header checksum mismatch (stored 0x"
                    + Integer.toHexString(stored) + ", computed 0x" + Long.toHexString(crc.getValue()) + ")");
        }
        header = HeaderCodec.decode(ByteBuffer.wrap(fields, 0, (int) len).slice(), fixed.length);
        position = fixed.length + fields.length;
        // Both clock readings are at most 2^63 - 1 (HeaderCodec): the difference cannot overflow.
        long toEpoch = header.clock().toEpochNanos(0);
        lastTime = toEpoch > 0 ? Long.MAX_VALUE - toEpoch : Long.MAX_VALUE;
        return header;
    }

    /** The minor version of the file's format (after {@link #header()}). */
    public int formatMinor() {
        return minor;
    }

    /**
     * Hands every record of the file's good blocks to {@code visitor}, in order, until the end
     * marker, the end of the stream or damage.
     *
     * @throws RecordFormatException only for the header (see {@link #header()})
     * @throws IOException if the stream fails
     */
    public ReadResult read(RecordVisitor visitor) throws IOException {
        header();
        Counts c = new Counts();
        long sequence = 0;
        while (true) {
            long at = position;
            int n = in.readNBytes(blockHeader, 0, blockHeader.length);
            position += n;
            if (n == 0) {
                return c.result(false, new RecordFormatException(RecordFormatException.Kind.TRUNCATED, at, sequence,
                        "the file ends after " + sequence + " blocks without the end marker: its writer did not"
                                + " finish (killed, or still writing)"));
            }
            if (n < blockHeader.length) {
                return c.result(false, damage(RecordFormatException.Kind.TRUNCATED, at, sequence,
                        "the block header is cut short: " + n + " of " + blockHeader.length + " bytes"));
            }
            RecordFormatException bad = checkHeader(at, sequence);
            if (bad != null) {
                return c.result(false, bad);
            }
            int len = blockHeaderBuf.getInt(8);
            if (payload.length < len) {
                payload = new byte[Math.max(len, Math.min(payload.length * 2, RecordFormat.MAX_BLOCK_BYTES))];
            }
            int got = in.readNBytes(payload, 0, len);
            position += got;
            if (got < len) {
                return c.result(false, damage(RecordFormatException.Kind.TRUNCATED, at, sequence,
                        "the block is cut short: " + got + " of " + len + " payload bytes"));
            }
            crc.reset();
            crc.update(blockHeader, 4, 12);
            crc.update(payload, 0, len);
            if (blockHeaderBuf.getInt(16) != (int) crc.getValue()) {
                return c.result(false, damage(RecordFormatException.Kind.CORRUPT, at, sequence,
                        "block checksum mismatch: the block's bytes changed after writing"));
            }
            c.blocks++;
            RecordFormatException inner = records(visitor, len, blockHeaderBuf.getInt(12), at, sequence, c);
            if (inner != null || c.ended) {
                return c.result(c.ended, inner);
            }
            sequence++;
        }
    }

    private RecordFormatException checkHeader(long at, long sequence) {
        if (blockHeaderBuf.getInt(0) != RecordFormat.BLOCK_MAGIC) {
            return damage(RecordFormatException.Kind.CORRUPT, at, sequence, "no block starts here (bad block magic)");
        }
        long seq = Integer.toUnsignedLong(blockHeaderBuf.getInt(4));
        if (seq != sequence) {
            return damage(RecordFormatException.Kind.CORRUPT, at, sequence,
                    "block number " + seq + " where block " + sequence + " belongs: blocks are missing or repeated");
        }
        long len = Integer.toUnsignedLong(blockHeaderBuf.getInt(8));
        if (len > RecordFormat.MAX_BLOCK_BYTES) {
            return damage(RecordFormatException.Kind.CORRUPT, at, sequence, "block length " + len
                    + " exceeds the limit of " + RecordFormat.MAX_BLOCK_BYTES + " bytes");
        }
        return null;
    }

    /** Hands over one checked block's records; returns damage inside it, or null. */
    private RecordFormatException records(RecordVisitor v, int len, int count, long at, long sequence, Counts c) {
        ByteBuffer b = ByteBuffer.wrap(payload, 0, len).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        int records = 0;
        while (p < len) {
            if (len - p < RecordFormat.RECORD_HEADER_BYTES) {
                return damage(RecordFormatException.Kind.CORRUPT, at, sequence, "record header cut short at payload byte " + p);
            }
            int type = payload[p] & 0xff;
            int body = Short.toUnsignedInt(b.getShort(p + 2));
            int start = p + RecordFormat.RECORD_HEADER_BYTES;
            if (body > len - start) {
                return damage(RecordFormatException.Kind.CORRUPT, at, sequence, "record of " + body
                        + " bytes at payload byte " + p + " runs past the block's end");
            }
            // Events are nearly every record: decoded here, the rest in record().
            String bad = type == RecordFormat.REC_EVENT && body >= RecordFormat.EVENT_BODY ? event(v, b, start, c)
                    : record(v, b, type, start, body, c);
            if (bad != null) {
                return damage(RecordFormatException.Kind.CORRUPT, at, sequence, bad + " at payload byte " + p);
            }
            records++;
            p = start + body;
            if (c.ended) {
                break;
            }
        }
        if (records != count) {
            return damage(RecordFormatException.Kind.CORRUPT, at, sequence, "the block holds " + records
                    + " records, its header says " + Integer.toUnsignedString(count));
        }
        return null;
    }

    /** One record; returns what is wrong with it, or null. Unknown types are skipped. */
    private String record(RecordVisitor v, ByteBuffer b, int type, int p, int body, Counts c) {
        switch (type) {
            case RecordFormat.REC_EVENT:
                return "event record of " + body + " bytes (expected: " + RecordFormat.EVENT_BODY + "+)";
            case RecordFormat.REC_LOST:
                if (body < RecordFormat.LOST_BODY) {
                    return "lost record of " + body + " bytes (expected: " + RecordFormat.LOST_BODY + "+)";
                }
                String bad = fields("lost record", b, p, p + 8, p + 16, c.lost);
                if (bad == null) {
                    c.lost += b.getLong(p + 8);
                    v.lost(b.getLong(p), Short.toUnsignedInt(b.getShort(p + 16)), b.getLong(p + 8));
                }
                return bad;
            case RecordFormat.REC_SYMBOL:
                return symbol(v, b, p, body);
            case RecordFormat.REC_STACK:
                return stack(v, b, p, body);
            case RecordFormat.REC_NAME:
                return name(v, b, p, body);
            case RecordFormat.REC_END:
                if (body < RecordFormat.END_BODY) {
                    return "end record of " + body + " bytes (expected: " + RecordFormat.END_BODY + "+)";
                }
                if (b.getLong(p + 8) != c.events) {
                    return "end marker counts " + Long.toUnsignedString(b.getLong(p + 8)) + " events, the file has "
                            + c.events;
                }
                c.ended = true;
                return null;
            default:
                return null;
        }
    }

    private String event(RecordVisitor v, ByteBuffer b, int p, Counts c) {
        int originCode = payload[p + 44] & 0xff;
        if (originCode >= ORIGINS.length) {
            return "event of unknown origin " + originCode;
        }
        String bad = fields("event", b, p, p + 16, p + 40, c.drops);
        if (bad != null) {
            return bad;
        }
        event.set(b.getLong(p), Short.toUnsignedInt(b.getShort(p + 40)), ORIGINS[originCode], b.getLong(p + 8),
                b.getInt(p + 24), b.getInt(p + 28), b.getLong(p + 16))
                .packet(Short.toUnsignedInt(b.getShort(p + 42)), b.getInt(p + 32), b.getInt(p + 36));
        c.events++;
        c.drops += event.count();
        v.drop(event);
        return null;
    }

    /**
     * What is wrong with an event's or lost record's u64 time, u64 count and u16 CPU, or null. The
     * reader's longs are signed: a time or count of 2^63 or more, a total of counts that passes
     * 2^63 - 1, a time whose wall-clock time does, and a CPU the header does not declare are
     * damage, never numbers to wrap.
     *
     * @param timeAt where the time is in {@code b}; {@code countAt} the count, {@code cpuAt} the CPU
     * @param total the counts of this kind so far, which the count adds to
     */
    private String fields(String what, ByteBuffer b, int timeAt, int countAt, int cpuAt, long total) {
        long time = b.getLong(timeAt);
        long count = b.getLong(countAt);
        int cpu = Short.toUnsignedInt(b.getShort(cpuAt));
        if (time < 0 || time > lastTime) {
            return what + " at " + Long.toUnsignedString(time) + " ns on the header's clock, past 2262-04-11,"
                    + " the last time 64-bit nanoseconds hold";
        }
        if (count < 0) {
            return what + " with count " + Long.toUnsignedString(count) + ", past 2^63 - 1";
        }
        if (total + count < 0) {
            return what + " with count " + count + ", which takes the file's total of " + total + " past 2^63 - 1";
        }
        if (cpu >= header.cpus()) {
            return what + " on CPU " + cpu + ", but the header declares " + header.cpus() + " CPUs (0 to "
                    + (header.cpus() - 1) + ")";
        }
        return null;
    }

    private String symbol(RecordVisitor v, ByteBuffer b, int p, int body) {
        int end = p + body;
        if (body < 20) {
            return "symbol record of " + body + " bytes (expected: 20+)";
        }
        int nameLen = Short.toUnsignedInt(b.getShort(p + 16));
        if (p + 18 + nameLen + 2 > end) {
            return "symbol name runs past its record";
        }
        int moduleLen = Short.toUnsignedInt(b.getShort(p + 18 + nameLen));
        if (p + 20 + nameLen + moduleLen > end) {
            return "symbol module runs past its record";
        }
        long size = b.getLong(p + 8);
        if (size < 0) {
            return "symbol of size " + Long.toUnsignedString(size) + ", past 2^63 - 1";
        }
        String module = moduleLen == 0 ? null : text(p + 20 + nameLen, moduleLen);
        v.symbol(new KernelSymbol(text(p + 18, nameLen), module, b.getLong(p), size));
        return null;
    }

    private String stack(RecordVisitor v, ByteBuffer b, int p, int body) {
        if (body < 8) {
            return "stack record of " + body + " bytes (expected: 8+)";
        }
        int depth = Short.toUnsignedInt(b.getShort(p + 4));
        if (8 + 8L * depth > body) {
            return "stack of " + depth + " frames runs past its record";
        }
        long[] frames = new long[depth];
        for (int i = 0; i < depth; i++) {
            frames[i] = b.getLong(p + 8 + 8 * i);
        }
        v.stack(b.getInt(p), frames);
        return null;
    }

    private String name(RecordVisitor v, ByteBuffer b, int p, int body) {
        if (body < 8) {
            return "name record of " + body + " bytes (expected: 8+)";
        }
        int len = Short.toUnsignedInt(b.getShort(p + 2));
        if (8 + len > body) {
            return "name runs past its record";
        }
        NameKind kind = NameKind.ofCode(payload[p] & 0xff);
        if (kind != null) {
            v.name(kind, b.getInt(p + 4), text(p + 8, len));
        }
        return null;
    }

    private String text(int p, int len) {
        return new String(payload, p, len, StandardCharsets.UTF_8);
    }

    private static RecordFormatException damage(RecordFormatException.Kind kind, long at, long block, String message) {
        return new RecordFormatException(kind, at, block, message);
    }

    private static RecordFormatException headerDamage(RecordFormatException.Kind kind, long at, String message) {
        return new RecordFormatException(kind, at, RecordFormatException.HEADER, message);
    }

    /** Running totals of one {@link #read}. */
    private static final class Counts {
        long blocks;
        long events;
        long drops;
        long lost;
        boolean ended;

        ReadResult result(boolean end, RecordFormatException damage) {
            return new ReadResult(blocks, events, drops, lost, end, damage);
        }
    }
}
