// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.record.RecordFormat;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordWriter;
import org.dropscope.record.SourceKind;
import org.junit.jupiter.api.Test;

/**
 * {@link SegmentReport}: a flight recorder's segments read as one recording, each on its own
 * clock; --since/--until counted back from now; a damaged segment said in one line while the
 * others count; the newest without its end record only noted; stacks of two daemon runs kept
 * apart.
 */
class SegmentReportTest {
    private static final long NANOS = 1_000_000_000L;
    /** "Now" for the reports: 2026-12-07T04:00:00Z. */
    private static final long NOW = 1_796_616_000L * NANOS;

    /** A segment in memory. */
    private record Bytes(String name, byte[] bytes) implements SegmentReport.Segment {
        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    /**
     * A segment starting {@code minutesAgo} before now, on a monotonic clock that starts at
     * {@code clockStart}: one drop of {@code count} a minute for {@code minutes} minutes.
     */
    private static Bytes segment(String name, long minutesAgo, long clockStart, int minutes, long count, String run,
            int stack, boolean end) throws IOException {
        return segment(name, minutesAgo, clockStart, minutes, count, run, stack, end, ReportFiles.NAMES);
    }

    private static Bytes segment(String name, long minutesAgo, long clockStart, int minutes, long count, String run,
            int stack, boolean end, DropNames names) throws IOException {
        RecordHeader header = new RecordHeader("6.18.44", "host", "b007", SourceKind.TRACEPOINT, "tracepoint (test)",
                null, new RecordHeader.Clock(RecordFormat.CLOCK_MONOTONIC, clockStart, NOW - minutesAgo * 60 * NANOS),
                2, null, Map.of(RecordHeader.RUN_PROPERTY, run));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] clock = {clockStart};
        RecordWriter w = new RecordWriter(out, header, names, new RecordWriter.Limits(1, Long.MAX_VALUE),
                () -> clock[0]);
        for (int m = 0; m < minutes; m++) {
            clock[0] = clockStart + (m * 60 + 30) * NANOS;
            w.drop(new DropEvent().set(clock[0], 0, DropOrigin.SOFTWARE, ReportFiles.UDP_RCV + 0x4bc,
                    ReportFiles.NO_SOCKET, stack, count));
        }
        if (end) {
            w.close();
        } else {
            w.flush();
        }
        return new Bytes(name, out.toByteArray());
    }

    private static ReportReader.Result read(List<Bytes> segments, String since, String until) {
        return SegmentReport.read(segments, new ReportQuery(GroupKey.DEFAULT, null,
                since == null ? null : TimeBound.parse("--since", since),
                until == null ? null : TimeBound.parse("--until", until), ZoneOffset.UTC), NOW);
    }

    @Test
    void segmentsOnClocksOfTheirOwnAreOneRecordingAndTimesCountBackFromNow() throws IOException {
        // Three 20-minute segments of one drop of 2, 3, 5 a minute, the last one an hour ago ending now.
        List<Bytes> s = List.of(segment("a", 60, 1_000 * NANOS, 20, 2, "r1", DropSink.NO_STACK, true),
                segment("b", 40, 9_000 * NANOS, 20, 3, "r1", DropSink.NO_STACK, true),
                segment("c", 20, 50 * NANOS, 20, 5, "r1", DropSink.NO_STACK, true));
        ReportReader.Result all = read(s, null, null);
        assertEquals(20 * (2 + 3 + 5), all.report().total());
        assertTrue(all.report().complete());
        assertEquals(List.of(), all.skipped());
        // The last 10 minutes: ten drops of 5. 03:20 to 03:40 UTC: segment b.
        assertEquals(10 * 5, read(s, "10m", null).report().total());
        assertEquals(20 * 3, read(s, "03:20", "03:40").report().total());
        assertEquals(20 * 3 + 20 * 5, read(s, "2026-12-07T03:20:00Z", "2026-12-07T04:00:00Z").report().total());
        assertEquals(20 * 2 + 20 * 3, read(s, null, "20m").report().total());
    }

    @Test
    void aDamagedSegmentIsSaidInOneLineAndTheOthersCount() throws IOException {
        Bytes b = segment("b", 40, 9_000 * NANOS, 20, 3, "r1", DropSink.NO_STACK, true);
        // A killed daemon's segment: cut inside its 11th block (blocks of one event), so ten drops of 3 before.
        byte[] cut = Arrays.copyOf(b.bytes(), b.bytes().length - 10 * 72 - 30);
        // A flipped bit in a block of another.
        Bytes c = segment("c", 20, 50 * NANOS, 20, 5, "r1", DropSink.NO_STACK, true);
        byte[] flipped = c.bytes().clone();
        flipped[flipped.length - 5 * 72] ^= 1;
        List<Bytes> s = List.of(segment("a", 60, 1_000 * NANOS, 20, 2, "r1", DropSink.NO_STACK, true),
                new Bytes("b", cut), new Bytes("x", new byte[] {1, 2, 3}), new Bytes("c", flipped),
                segment("d", 0, 50 * NANOS, 1, 7, "r1", DropSink.NO_STACK, false));
        ReportReader.Result r = read(s, null, null);
        assertEquals(2, r.skipped().size(), r.skipped().toString());
        assertTrue(r.skipped().get(0).startsWith("x: ") && r.skipped().get(0).endsWith("; skipped, the other"
                + " segments go on"), r.skipped().get(0));
        assertTrue(r.skipped().get(1).startsWith("c: ") && r.skipped().get(1).endsWith("; read up to it, the other"
                + " segments go on"), r.skipped().get(1));
        assertEquals(2, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().get(0).startsWith("b is cut short (") && r.notes().get(0).endsWith("): the daemon is"
                + " writing it, or was killed; read up to its last whole block"), r.notes().get(0));
        assertTrue(r.notes().get(1).startsWith("d is cut short ("), r.notes().get(1));
        assertEquals(20 * 2 + 10 * 3 + 15 * 5 + 7, r.report().total(), "a; b before the cut; c before the flip; d");
    }

    @Test
    void stacksOfTwoDaemonRunsDoNotMix() throws IOException {
        List<Bytes> s = List.of(segment("a", 60, 1_000 * NANOS, 20, 2, "r1", 7, true),
                segment("b", 40, 9_000 * NANOS, 20, 3, "r1", 7, true),
                segment("c", 20, 50 * NANOS, 20, 5, "r2", 7, true, new DropNames() {
                    @Override
                    public List<Location> stack(int id) {
                        // Run r2's stack 7 is what run r1 called 8.
                        return ReportFiles.NAMES.stack(8);
                    }
                }));
        ReportReader.Result r = SegmentReport.read(s, new ReportQuery(List.of(GroupKey.STACK), null, null, null,
                ZoneOffset.UTC), NOW);
        assertEquals(20 * (2 + 3 + 5), r.report().total());
        assertEquals(2, r.report().rows().size(), r.report().rows().toString());
        assertEquals(20 * (2 + 3), r.report().rows().get(0).count());
        assertEquals(frames(7), r.report().rows().get(0).stack());
        assertEquals(20 * 5, r.report().rows().get(1).count());
        assertEquals(frames(8), r.report().rows().get(1).stack());
    }

    private static List<String> frames(int id) {
        return ReportFiles.NAMES.stack(id).stream().map(Location::dropwatch).collect(Collectors.toList());
    }
}
