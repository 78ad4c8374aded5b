// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.record.NameKind;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordFormatException;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordReader;
import org.dropscope.record.RecordVisitor;

/**
 * One {@link Report} of several record files read as one recording, in the order given: the
 * daemon's flight-recorder segments, oldest first. {@code --since}/{@code --until} count back
 * from now ({@link ReportBuilder#anchorAt}). A segment that cannot be read, or is damaged, is
 * read up to its damage and said in one line; the others go on. A segment cut short (no end
 * record, perhaps half a block) is the one the daemon is writing, or was writing when it was
 * killed: read up to its last whole block and noted, not damage.
 *
 * <p>Stack ids are the daemon's: segments of one daemon run (header property
 * {@link RecordHeader#RUN_PROPERTY}) share them, and those of another run get ids of their own here.
 */
public final class SegmentReport {
    /** One file of the recording. */
    public interface Segment {
        /** Its name, for notes. */
        String name();

        /** Opens it; the caller closes the stream. */
        InputStream open() throws IOException;
    }

    private SegmentReport() {
    }

    /**
     * Reads {@code segments} in order into one report.
     *
     * @param nowEpochNanos now, which {@code --since}/{@code --until} count back from
     * @return the report; notes (how the segments were read) and skipped (damaged or unreadable
     *     segments, one line each)
     */
    public static ReportReader.Result read(List<? extends Segment> segments, ReportQuery query, long nowEpochNanos) {
        ReportBuilder builder = new ReportBuilder(query);
        builder.anchorAt(nowEpochNanos);
        Set<String> notes = new LinkedHashSet<>();
        List<String> skipped = new ArrayList<>();
        StackIds ids = new StackIds(builder.visitor());
        String run = null;
        for (Segment s : segments) {
            try (InputStream in = new BufferedInputStream(s.open(), 1 << 16)) {
                RecordReader reader = new RecordReader(in);
                RecordHeader h = reader.header();
                long toEpoch = h.clock().toEpochNanos(0);
                if (!builder.begun()) {
                    builder.begin(new ReportFacts("record", h.source().label(), h.sourceDescription(),
                            h.kernelRelease(), h.hostname(), h.clock().realtimeStartNanos(), h.filter(),
                            h.properties().get(RecordHeader.STACKS_PROPERTY)), toEpoch);
                } else {
                    builder.nextFile(toEpoch);
                }
                String r = h.properties().get(RecordHeader.RUN_PROPERTY);
                if (run != null && !Objects.equals(run, r)) {
                    ids.nextRun();
                }
                run = r;
                ReadResult result = reader.read(ids);
                notes.addAll(countedNotes(h, result));
                RecordFormatException d = result.damage();
                if (d != null && d.kind() == RecordFormatException.Kind.TRUNCATED) {
                    // The segment the daemon writes now, or the one it wrote when it was killed.
                    notes.add(s.name() + " is cut short (" + d.getMessage() + "): the daemon is writing it, or was"
                            + " killed; read up to its last whole block");
                } else if (d != null) {
                    skipped.add(s.name() + ": " + d.getMessage() + "; read up to it, the other segments go on");
                }
            } catch (RecordFormatException e) {
                if (e.kind() == RecordFormatException.Kind.TRUNCATED) {
                    notes.add(s.name() + " is cut short (" + e.getMessage() + "): the daemon was killed as it began it;"
                            + " nothing in it to read");
                    continue;
                }
                skipped.add(s.name() + ": " + e.getMessage() + "; skipped, the other segments go on");
            } catch (IOException e) {
                skipped.add(s.name() + ": cannot read it (" + e.getMessage() + "); skipped, the other segments go on");
            }
        }
        if (!builder.begun()) {
            builder.begin(new ReportFacts("record", "none", "no segments", null, null, nowEpochNanos, null, null), 0);
            notes.add("no segment to read");
        }
        return new ReportReader.Result(builder.finish(skipped.isEmpty(), null), List.copyOf(notes), skipped);
    }

    /** The notes a file with counted events gets ({@link ReportReader}'s, and the budget's). */
    private static List<String> countedNotes(RecordHeader h, ReadResult r) {
        if (r.drops() <= r.events()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(ReportReader.countedNote(h, r));
        String budget = h.properties().get(RecordHeader.BUDGET_PROPERTY);
        if (budget != null) {
            out.add("flight recorder budget: " + budget);
        }
        return out;
    }

    /** Gives the stack ids of each daemon run their own range, so that runs' stacks do not mix. */
    private static final class StackIds implements RecordVisitor {
        private final RecordVisitor next;
        private final DropEvent event = new DropEvent();
        private int base;
        private int max = -1;

        StackIds(RecordVisitor next) {
            this.next = next;
        }

        void nextRun() {
            base = max + 1;
        }

        private int id(int stackId) {
            int id = base + stackId;
            max = Math.max(max, id);
            return id;
        }

        @Override
        public void symbol(KernelSymbol symbol) {
            next.symbol(symbol);
        }

        @Override
        public void stack(int stackId, long[] frames) {
            next.stack(id(stackId), frames);
        }

        @Override
        public void name(NameKind kind, int code, String name) {
            next.name(kind, code, name);
        }

        @Override
        public void drop(DropEvent e) {
            if (e.stackId() == DropSink.NO_STACK || base == 0) {
                if (e.stackId() != DropSink.NO_STACK) {
                    max = Math.max(max, e.stackId());
                }
                next.drop(e);
                return;
            }
            next.drop(event.set(e.timeNanos(), e.cpu(), e.origin(), e.location(), e.reason(), id(e.stackId()),
                    e.count()).packet(e.protocol(), e.ifindex(), e.originalLength()));
        }

        @Override
        public void lost(long timeNanos, int cpu, long count) {
            next.lost(timeNanos, cpu, count);
        }
    }
}
