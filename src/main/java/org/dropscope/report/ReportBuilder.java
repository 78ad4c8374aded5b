// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.filter.DropFilter;
import org.dropscope.names.Location;
import org.dropscope.record.RecordNames;
import org.dropscope.record.RecordVisitor;

/**
 * Aggregates a stream of recorded drops into a {@link Report} while it is read, in memory that
 * grows with the distinct keys, not with the drops: each drop is tested against the time window
 * and the filter and counted in a {@link DropTable} under the raw values of the grouped fields
 * (location, reason code, stack id, ...); names are looked up once per key at {@link #finish},
 * where keys that name the same thing (two locations in one function, for {@code --group symbol})
 * are merged.
 *
 * <p>Use: {@link #begin} with the file's facts, then hand {@link #visitor()} the file's records in
 * order (it collects the names through {@link RecordNames}, which also answers the filter), then
 * {@link #finish}. Not thread-safe.
 */
public final class ReportBuilder implements RecordVisitor {
    private static final long NANOS = 1_000_000_000L;

    private final ReportQuery query;
    private final RecordNames names = new RecordNames();
    private final DropTable table = new DropTable(256);
    private final DropFilter filter;
    private final boolean byLocation;
    private final boolean byReason;
    private final boolean byStack;
    private final boolean byCpu;
    private final boolean byProtocol;
    private final boolean bySecond;
    private ReportFacts facts;
    private long clockToEpoch;
    /** Where --since/--until are counted from, if not the recording's start. */
    private Long anchor;
    private long since = Long.MIN_VALUE;
    private long until = Long.MAX_VALUE;
    private long lastEpochNanos = Long.MIN_VALUE;
    private long total;
    private long lost;
    private boolean stacks;
    /** Where a total would have passed 2^63 - 1; nothing is counted after it. */
    private Report.Damage overflow;

    public ReportBuilder(ReportQuery query) {
        this.query = query;
        this.filter = query.filter() == null ? null : DropFilter.compile(query.filter(), names);
        List<GroupKey> g = query.groups();
        byLocation = g.contains(GroupKey.SYMBOL) || g.contains(GroupKey.LOCATION);
        byReason = g.contains(GroupKey.REASON);
        byStack = g.contains(GroupKey.STACK);
        byCpu = g.contains(GroupKey.CPU);
        byProtocol = g.contains(GroupKey.PROTO);
        bySecond = g.contains(GroupKey.SECOND);
    }

    /**
     * Starts the report of a file.
     *
     * @param facts the file's facts; its start anchors {@code --since}/{@code --until} offsets
     * @param clockToEpochNanos what to add to an event's time to get nanoseconds since the epoch
     *     (0 for CLOCK_REALTIME; see the record header's clock)
     */
    public void begin(ReportFacts facts, long clockToEpochNanos) {
        this.facts = facts;
        this.clockToEpoch = clockToEpochNanos;
        ZoneId zone = query.zone();
        if (query.since() != null) {
            since = anchor == null ? query.since().resolve(facts.startEpochNanos(), zone)
                    : query.since().resolveBack(anchor, zone);
        }
        if (query.until() != null) {
            until = anchor == null ? query.until().resolve(facts.startEpochNanos(), zone)
                    : query.until().resolveBack(anchor, zone);
        }
    }

    /**
     * Counts {@code --since}/{@code --until} back from {@code nowEpochNanos} instead of from the
     * recording's start: an offset is that long before now, a local time is today's (a flight
     * recording, which has no start of interest). Call before {@link #begin}.
     */
    public void anchorAt(long nowEpochNanos) {
        anchor = nowEpochNanos;
    }

    /**
     * The next file of a recording in several (a flight recorder's segments): its events' times
     * are on its own clock.
     *
     * @param clockToEpochNanos what to add to its events' times to get nanoseconds since the epoch
     */
    public void nextFile(long clockToEpochNanos) {
        this.clockToEpoch = clockToEpochNanos;
    }

    /** Whether {@link #begin} was called. */
    public boolean begun() {
        return facts != null;
    }

    /** The visitor to hand the file's records to: names are collected, drops counted. */
    public RecordVisitor visitor() {
        return names.feeding(this);
    }

    @Override
    public void drop(DropEvent e) {
        long t = e.timeNanos() + clockToEpoch;
        if (t > lastEpochNanos) {
            lastEpochNanos = t;
        }
        if (t < since || t >= until || filter != null && !filter.test(e) || !fits(total, e.count(), t)) {
            return;
        }
        total += e.count();
        stacks |= e.stackId() != DropSink.NO_STACK;
        table.add(byLocation ? e.location() : 0, byReason ? e.reason() : DropSink.NO_REASON,
                byStack ? e.stackId() : DropSink.NO_STACK,
                DropTable.small(byLocation ? e.origin().code() : 0, byCpu ? e.cpu() : 0, byProtocol ? e.protocol() : 0),
                bySecond ? Math.floorDiv(t, NANOS) : 0, e.count());
    }

    @Override
    public void lost(long timeNanos, int cpu, long count) {
        long t = timeNanos + clockToEpoch;
        if (t > lastEpochNanos) {
            lastEpochNanos = t;
        }
        if (t >= since && t < until && fits(lost, count, t)) {
            lost += count;
        }
    }

    /**
     * Whether {@code count} may be added to {@code sum}: counts are u64, and a record file's reader
     * refuses any past 2^63 - 1, but a capture's (u32 summary counts) are added up here. The
     * first that would pass it ends the counting, as damage does.
     */
    private boolean fits(long sum, long count, long epochNanos) {
        if (overflow == null && count >= 0 && sum + count >= 0) {
            return true;
        }
        if (overflow == null) {
            overflow = new Report.Damage("the count of " + Long.toUnsignedString(count) + " at "
                    + Instant.ofEpochSecond(0, epochNanos) + " takes the total of " + sum + " past 2^63 - 1", -1, -1);
        }
        return false;
    }

    /**
     * The report of what was handed over.
     *
     * @param complete whether the whole recording was read
     * @param damage why reading stopped early, or {@code null}
     */
    public Report finish(boolean complete, Report.Damage damage) {

        Map<Report.Row, long[]> merged = new LinkedHashMap<>();
        table.forEach((location, origin, reason, stack, cpu, protocol, second, count) -> {
            Report.Row key = row(location, DropOrigin.ofCode(origin), reason, stack, cpu, protocol, second);
            merged.computeIfAbsent(key, k -> new long[1])[0] += count;
        });
        List<Report.Row> rows = new ArrayList<>(merged.size());
        merged.forEach((k, c) -> rows.add(new Report.Row(k.symbol(), k.location(), k.hardware(), k.address(),
                k.reason(), k.stack(), k.cpu(), k.protocol(), k.second(), c[0])));
        rows.sort(order(query.groups()));
        long start = facts.startEpochNanos();
        // An overflow came before any damage that stopped the reading.
        return new Report(facts, query.groups(), rows, total, lost, Math.max(start, lastEpochNanos),
                complete && overflow == null, overflow != null ? overflow : damage, stacks);
    }

    /** A row's resolved key, count 0: rows whose keys resolve alike are one row. */
    private Report.Row row(long location, DropOrigin origin, int reason, int stack, int cpu, int protocol,
            long second) {
        List<GroupKey> g = query.groups();
        boolean hardware = origin == DropOrigin.HARDWARE;
        String symbol = null;
        String where = null;
        if (byLocation) {
            Location l = hardware ? null : names.location(location);
            symbol = hardware ? names.trapLabel((int) location) : l.name();
            where = hardware ? symbol : l.dropwatch();
        }
        boolean exact = g.contains(GroupKey.LOCATION);
        String reasonName = null;
        if (reason != DropSink.NO_REASON) {
            String n = names.reason(reason);
            reasonName = n != null ? n : Integer.toString(reason);
        }
        return new Report.Row(g.contains(GroupKey.SYMBOL) || exact ? symbol : null, exact ? where : null,
                byLocation && hardware, exact ? location : 0, reasonName, stack == DropSink.NO_STACK ? null
                : frames(stack), cpu, protocol, second, 0);
    }

    private List<String> frames(int stackId) {
        List<Location> frames = names.stack(stackId);
        if (frames == null) {
            return List.of("stack#" + stackId);
        }
        List<String> out = new ArrayList<>(frames.size());
        for (Location f : frames) {
            out.add(f.dropwatch());
        }
        return out;
    }

    /** Count descending, then the keys in column order, each ascending (absent names first). */
    static Comparator<Report.Row> order(List<GroupKey> groups) {
        Comparator<Report.Row> c = Comparator.comparingLong(Report.Row::count).reversed();
        Comparator<String> text = Comparator.nullsFirst(Comparator.naturalOrder());
        for (GroupKey k : groups) {
            switch (k) {
                case SYMBOL:
                    c = c.thenComparing(Report.Row::symbol, text);
                    break;
                case LOCATION:
                    c = c.thenComparing(Report.Row::location, text).thenComparing(Report.Row::address,
                            Long::compareUnsigned);
                    break;
                case REASON:
                    c = c.thenComparing(Report.Row::reason, text);
                    break;
                case STACK:
                    c = c.thenComparing(r -> r.stack() == null ? null : String.join(";", r.stack()), text);
                    break;
                case CPU:
                    c = c.thenComparingInt(Report.Row::cpu);
                    break;
                case PROTO:
                    c = c.thenComparingInt(Report.Row::protocol);
                    break;
                default:
                    c = c.thenComparingLong(Report.Row::second);
                    break;
            }
        }
        return c;
    }
}
