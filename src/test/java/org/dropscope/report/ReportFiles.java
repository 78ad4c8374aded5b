// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;
import org.dropscope.record.RecordFormat;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordWriter;
import org.dropscope.record.SourceKind;

/**
 * Record files for the report tests, written by {@link RecordWriter}, and the events they hold,
 * so that tests work out what a report must say from the events themselves.
 */
public final class ReportFiles {
    public static final long UDP_RCV = 0xffffffff82046a90L;
    public static final long QUEUE_RCV = 0xffffffff82045000L;
    /** No symbol covers it: reports print it raw. */
    public static final long UNKNOWN_PC = 0xffffffffc0001000L;
    public static final int NO_SOCKET = 3;
    public static final int SOCKET_RCVBUFF = 6;
    public static final String TRAP = "ingress_vlan_filter";
    /** Drop locations: two in one function, one in another, one unknown. */
    public static final long[] PCS = {UDP_RCV + 0x4bc, UDP_RCV + 0x9a2, QUEUE_RCV + 0x1a2, UNKNOWN_PC};
    /** Stack ids and their frames, innermost first. */
    public static final Map<Integer, long[]> STACKS = Map.of(
            7, new long[] {UDP_RCV + 0x4bc, QUEUE_RCV + 0x30, UDP_RCV + 0x20},
            8, new long[] {QUEUE_RCV + 0x1a2, QUEUE_RCV + 0x30, UDP_RCV + 0x20});
    /** CLOCK_MONOTONIC at the start, and the wall-clock time then. */
    public static final long CLOCK_START = 5_000_000_000L;
    public static final long START_EPOCH_NANOS = Instant.parse("2026-11-22T06:00:00Z").getEpochSecond() * 1_000_000_000L;
    /** Events are this far apart. */
    public static final long STEP_NANOS = 7_000_000L;

    /** Names the writer asks for. */
    public static final DropNames NAMES = new DropNames() {
        @Override
        public Symbol symbolAt(long pc) {
            String name = function(pc);
            if (name == null) {
                return null;
            }
            return (name.equals("__udp4_lib_rcv") ? new KernelSymbol(name, null, UDP_RCV, 0x1000)
                    : new KernelSymbol(name, null, QUEUE_RCV, 0x400)).at(pc);
        }

        @Override
        public List<Location> stack(int id) {
            long[] frames = STACKS.get(id);
            return frames == null ? null : locations(frames);
        }

        @Override
        public String reason(int code) {
            return code == NO_SOCKET ? "NO_SOCKET" : code == SOCKET_RCVBUFF ? "SOCKET_RCVBUFF" : null;
        }

        @Override
        public String trap(int id) {
            return id == 0 ? TRAP : null;
        }
    };

    private ReportFiles() {
    }

    /** The function a pc is in, or null: what the symbol records say, worked out independently. */
    public static String function(long pc) {
        if (pc >= UDP_RCV && pc < UDP_RCV + 0x1000) {
            return "__udp4_lib_rcv";
        }
        if (pc >= QUEUE_RCV && pc < QUEUE_RCV + 0x400) {
            return "udp_queue_rcv_one_skb";
        }
        return null;
    }

    /** {@code n} events varying every field a report groups by; a few are hardware drops. */
    public static List<DropEvent> events(int n, boolean stacks) {
        List<DropEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean hardware = i % 13 == 12;
            int reason = hardware ? DropSink.NO_REASON : i % 3 == 0 ? NO_SOCKET : i % 3 == 1 ? SOCKET_RCVBUFF
                    : DropSink.NO_REASON;
            int stack = !stacks || hardware ? DropSink.NO_STACK : i % 5 == 0 ? 7 : i % 5 == 1 ? 8 : DropSink.NO_STACK;
            events.add(new DropEvent().set(CLOCK_START + i * STEP_NANOS, i % 2,
                    hardware ? DropOrigin.HARDWARE : DropOrigin.SOFTWARE, hardware ? 0 : PCS[i % 4], reason, stack,
                    i % 11 == 0 ? 3 : 1).packet(i % 7 == 0 ? 0x86dd : 0x0800, 0, 0));
        }
        return events;
    }

    /** Lost records: time after start, count. */
    public static final long[][] LOST = {{3_000_000_000L, 5}, {10_000_000_000L, 2}};

    /** A whole recording of {@code events}, {@code perBlock} events a block, with {@link #LOST}. */
    public static byte[] write(List<DropEvent> events, int perBlock) {
        return write(events, perBlock, Map.of());
    }

    /** {@link #write(List, int)} with these header properties. */
    public static byte[] write(List<DropEvent> events, int perBlock, Map<String, String> properties) {
        RecordHeader header = new RecordHeader("6.18.44", "bench", "5b0c0f3e", SourceKind.TRACEPOINT,
                "tracepoint skb:kfree_skb (id 2310, 6.11+ layout, 127 reasons)", "name: kfree_skb\n",
                new RecordHeader.Clock(RecordFormat.CLOCK_MONOTONIC, CLOCK_START, START_EPOCH_NANOS), 2, null,
                properties);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] clock = {CLOCK_START};
        try (RecordWriter w = new RecordWriter(out, header, NAMES, new RecordWriter.Limits(perBlock, Long.MAX_VALUE),
                () -> clock[0])) {
            int lost = 0;
            for (DropEvent e : events) {
                while (lost < LOST.length && CLOCK_START + LOST[lost][0] <= e.timeNanos()) {
                    w.lost(CLOCK_START + LOST[lost][0], 0, LOST[lost][1]);
                    lost++;
                }
                clock[0] = e.timeNanos();
                w.drop(e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The name a report gives an event's location: function, trap, or raw address. */
    public static String symbol(DropEvent e) {
        if (e.origin() == DropOrigin.HARDWARE) {
            return TRAP;
        }
        String f = function(e.location());
        return f != null ? f : "0x" + Long.toHexString(e.location());
    }

    /** The reason's name, or "-" for none. */
    public static String reason(DropEvent e) {
        return e.reason() == NO_SOCKET ? "NO_SOCKET" : e.reason() == SOCKET_RCVBUFF ? "SOCKET_RCVBUFF" : "-";
    }

    /** Wall-clock nanoseconds of an event. */
    public static long epochNanos(DropEvent e) {
        return e.timeNanos() - CLOCK_START + START_EPOCH_NANOS;
    }

    /** Drops per key among the events {@code keep} passes. */
    public static Map<String, Long> counts(List<DropEvent> events, Predicate<DropEvent> keep,
            Function<DropEvent, String> key) {
        Map<String, Long> m = new TreeMap<>();
        for (DropEvent e : events) {
            if (keep.test(e)) {
                m.merge(key.apply(e), e.count(), Long::sum);
            }
        }
        return m;
    }
}
