// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;

/**
 * Streams events into a record file (docs/file-format.md) in constant memory, never seeking, so
 * it can write to a pipe: the header first, then checksummed blocks, then the end marker on
 * {@link #close()}.
 *
 * <p>Each block is handed to the stream in one {@code write} and flushed once it holds
 * {@link Limits#maxEvents} events, or at the end of the first source pass that finds it
 * {@link Limits#maxNanos} old: what a {@code kill -9} can lose is the block being filled. The
 * first time an event names a location, stack, reason or trap, the writer asks its
 * {@link DropNames} and writes a symbol, stack or name record ahead of the event; afterwards an
 * event costs one set lookup per value and 52 bytes, and allocates nothing.
 *
 * <p>Not thread-safe: one writer per recording thread. Write failures (disk full, a closed pipe)
 * do not throw into the source: the first is kept ({@link #failure()}), and the writer drops
 * everything after it.
 */
public final class RecordWriter implements DropEventSink, Closeable {
    /** Room kept free in a block for the records one event may bring (a stack and its symbols). */
    private static final int RESERVE = 64 << 10;
    private static final int BLOCK_BYTES = 1 << 20;
    private static final int MAX_NAME = 4096;

    /**
     * When a block is written out.
     *
     * @param maxEvents events in a block at most
     * @param maxNanos age of a block's first record after which the next pass flushes it
     */
    public record Limits(int maxEvents, long maxNanos) {
        public static final Limits DEFAULT = new Limits(4096, 1_000_000_000L);

        public Limits {
            if (maxEvents < 1 || maxEvents > (BLOCK_BYTES - RESERVE) / (RecordFormat.EVENT_BODY + 4)) {
                throw new IllegalArgumentException("events per block out of range: " + maxEvents);
            }
            if (maxNanos < 0) {
                throw new IllegalArgumentException("negative flush interval: " + maxNanos);
            }
        }
    }

    private final OutputStream out;
    private final DropNames names;
    private final Limits limits;
    private final LongSupplier clock;
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private final LongSet locations = new LongSet(1024);
    private final LongSet symbols = new LongSet(1024);
    private final LongSet stacks = new LongSet(256);
    private final LongSet reasons = new LongSet(64);
    private final LongSet traps = new LongSet(16);
    private int blockEvents;
    private int blockRecords;
    private long blockOpenedNanos;
    private long sequence;
    private long events;
    private long lost;
    private long drops;
    private long bytes;
    private IOException failure;
    private boolean closed;

    /**
     * Writes the file header at once.
     *
     * @param out where the file goes; the writer closes it in {@link #close()}
     * @param header the recording's facts
     * @param names asked once per distinct location, stack, reason, trap
     * @param limits when blocks are written out
     * @param clock the recording's clock (the header's), for flush ages and the end marker
     * @throws IOException if the header cannot be written
     */
    public RecordWriter(OutputStream out, RecordHeader header, DropNames names, Limits limits, LongSupplier clock)
            throws IOException {
        this.out = out;
        this.names = names;
        this.limits = limits;
        this.clock = clock;
        byte[] fields = HeaderCodec.encode(header);
        ByteBuffer h = ByteBuffer.allocate(RecordFormat.MAGIC.length + 8 + fields.length + 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        h.put(RecordFormat.MAGIC).putShort((short) RecordFormat.MAJOR).putShort((short) RecordFormat.MINOR)
                .putInt(fields.length).put(fields);
        crc.reset();
        crc.update(h.array(), RecordFormat.MAGIC.length, h.position() - RecordFormat.MAGIC.length);
        h.putInt((int) crc.getValue());
        out.write(h.array());
        out.flush();
        bytes = h.capacity();
        block.position(RecordFormat.BLOCK_HEADER_BYTES);
    }

    @Override
    public void drop(DropEvent e) {
        if (failure != null || closed) {
            return;
        }
        describe(e);
        record(RecordFormat.REC_EVENT, RecordFormat.EVENT_BODY);
        block.putLong(e.timeNanos()).putLong(e.location()).putLong(e.count()).putInt(e.reason())
                .putInt(e.stackId()).putInt(e.ifindex()).putInt(e.originalLength()).putShort((short) e.cpu())
                .putShort((short) e.protocol()).put((byte) e.origin().code()).put((byte) 0).putShort((short) 0);
        events++;
        drops += e.count();
        if (++blockEvents >= limits.maxEvents()) {
            flush();
        }
    }

    /** Writes what an event refers to and the file does not have yet. */
    private void describe(DropEvent e) {
        if (e.origin() == DropOrigin.HARDWARE) {
            if (traps.add(e.location())) {
                name(NameKind.TRAP, (int) e.location(), names.trap((int) e.location()));
            }
        } else {
            location(e.location());
        }
        if (e.reason() != DropSink.NO_REASON && reasons.add(e.reason())) {
            name(NameKind.REASON, e.reason(), names.reason(e.reason()));
        }
        if (e.stackId() != DropSink.NO_STACK && stacks.add(e.stackId())) {
            stack(e.stackId(), names.stack(e.stackId()));
        }
    }

    private void location(long pc) {
        if (locations.add(pc)) {
            symbol(pc, names.symbolAt(pc));
        }
    }

    /** A symbol record for what names {@code pc}, unless the file has that symbol already. */
    private void symbol(long pc, Symbol s) {
        if (s == null) {
            return;
        }
        // The file keeps kallsyms' own facts: the symbol's start and extent.
        long address = pc - s.offset();
        if (!symbols.add(address)) {
            return;
        }
        byte[] name = clip(RecordFormat.utf8(s.name()));
        byte[] module = s.module() == null ? new byte[0] : clip(RecordFormat.utf8(s.module()));
        record(RecordFormat.REC_SYMBOL, 20 + name.length + module.length);
        block.putLong(address).putLong(s.size()).putShort((short) name.length).put(name)
                .putShort((short) module.length).put(module);
    }

    private void stack(int id, List<Location> frames) {
        if (frames == null) {
            return;
        }
        for (Location f : frames) {
            if (locations.add(f.pc())) {
                symbol(f.pc(), f.symbol());
            }
        }
        record(RecordFormat.REC_STACK, 8 + 8 * frames.size());
        block.putInt(id).putShort((short) frames.size()).putShort((short) 0);
        for (Location f : frames) {
            block.putLong(f.pc());
        }
    }

    private void name(NameKind kind, int code, String name) {
        if (name == null) {
            return;
        }
        byte[] b = clip(RecordFormat.utf8(name));
        record(RecordFormat.REC_NAME, 8 + b.length);
        block.put((byte) kind.code()).put((byte) 0).putShort((short) b.length).putInt(code).put(b);
    }

    @Override
    public void lost(long timeNanos, int cpu, long count) {
        if (failure != null || closed) {
            return;
        }
        record(RecordFormat.REC_LOST, RecordFormat.LOST_BODY);
        block.putLong(timeNanos).putLong(count).putShort((short) cpu).putShort((short) 0).putInt(0);
        lost += count;
    }

    @Override
    public void endPass() {
        if (blockRecords > 0 && clock.getAsLong() - blockOpenedNanos >= limits.maxNanos()) {
            flush();
        }
    }

    /** Opens a record in the current block, flushing first when the block is near full. */
    private void record(int type, int bodyLength) {
        if (block.remaining() < RESERVE) {
            flush();
        }
        if (blockRecords++ == 0) {
            blockOpenedNanos = clock.getAsLong();
        }
        block.put((byte) type).put((byte) 0).putShort((short) bodyLength);
    }

    /** Writes out the current block, if it has any records. */
    public void flush() {
        if (blockRecords == 0 || failure != null) {
            return;
        }
        int payload = block.position() - RecordFormat.BLOCK_HEADER_BYTES;
        block.putInt(0, RecordFormat.BLOCK_MAGIC).putInt(4, (int) sequence).putInt(8, payload).putInt(12, blockRecords);
        crc.reset();
        crc.update(block.array(), 4, 12);
        crc.update(block.array(), RecordFormat.BLOCK_HEADER_BYTES, payload);
        block.putInt(16, (int) crc.getValue());
        try {
            out.write(block.array(), 0, block.position());
            out.flush();
            bytes += block.position();
        } catch (IOException e) {
            failure = e;
        }
        sequence++;
        blockRecords = 0;
        blockEvents = 0;
        block.clear().position(RecordFormat.BLOCK_HEADER_BYTES);
    }

    /** Writes the end marker in a last block and closes the stream; idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (failure == null) {
            record(RecordFormat.REC_END, RecordFormat.END_BODY);
            block.putLong(clock.getAsLong()).putLong(events).putLong(lost).putLong(sequence);
            flush();
        }
        closed = true;
        out.close();
        if (failure != null) {
            throw failure;
        }
    }

    /** The first write failure, or {@code null}. */
    public IOException failure() {
        return failure;
    }

    /** Events written so far (the current block's included). */
    public long events() {
        return events;
    }

    /** Drops those events stand for (a NET_DM summary entry counts several). */
    public long drops() {
        return drops;
    }

    /** Events the kernel lost, from the loss records written so far. */
    public long lost() {
        return lost;
    }

    /** Blocks written out so far. */
    public long blocks() {
        return sequence;
    }

    /** Bytes handed to the stream so far. */
    public long bytes() {
        return bytes;
    }

    private static byte[] clip(byte[] b) {
        if (b.length <= MAX_NAME) {
            return b;
        }
        byte[] c = new byte[MAX_NAME];
        System.arraycopy(b, 0, c, 0, MAX_NAME);
        return c;
    }
}
