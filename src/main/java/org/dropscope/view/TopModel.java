// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;

/**
 * What {@code top} knows: per aggregator key, the drops of the last interval, the total since
 * start or the last {@link #reset()}, and when drops were first and last seen; and the rows of a
 * chosen grouping, filter and sort. Fed one {@link Snapshot} per interval, its keys named through
 * {@link DropNames} once, on first sight; no terminal, no clock of its own (the caller passes the
 * wall time), so that it can be tested with built snapshots.
 *
 * <p>Not thread-safe: callers serialise (the terminal layer holds one lock for model and screen).
 * {@link #copy()} freezes a view for pause while counting goes on in the original.
 */
public final class TopModel {
    /** How rows are formed. */
    public enum Grouping {
        SYMBOL_REASON("symbol+reason"), SYMBOL("symbol"), REASON("reason"), STACK("stack");

        private final String label;

        Grouping(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public Grouping next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    /** How rows are ordered. */
    public enum Sort {
        RATE("drops/s"), TOTAL("total"), NAME("name");

        private final String label;

        Sort(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public Sort next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    /**
     * One row of the table.
     *
     * @param symbol the function, or {@code null} when the grouping does not show it
     * @param reason the reason ({@code "-"} for none), or {@code null} when the grouping does not show it
     * @param stack the call chain, innermost first, or {@code null} when the grouping does not show it
     * @param rate drops per second over the last interval
     * @param total drops since start or reset
     * @param firstSeen wall time in milliseconds of the first interval with drops, -1 for none
     * @param lastSeen wall time in milliseconds of the last interval with drops, -1 for none
     */
    public record Row(String symbol, String reason, List<String> stack, double rate, long total, long firstSeen,
            long lastSeen) {
    }

    /** An aggregator key: the {@link Snapshot.Row} fields that name it. */
    private record Key(DropOrigin origin, long location, int reason, int stackId) {
    }

    /** One key's state; names resolved once, on first sight. */
    private static final class Entry {
        final String symbol;
        final String reason;
        final int stackId;
        long total;
        long baseline;
        long delta;
        long firstSeen = -1;
        long lastSeen = -1;

        Entry(String symbol, String reason, int stackId) {
            this.symbol = symbol;
            this.reason = reason;
            this.stackId = stackId;
        }

        Entry copy() {
            Entry e = new Entry(symbol, reason, stackId);
            e.total = total;
            e.baseline = baseline;
            e.delta = delta;
            e.firstSeen = firstSeen;
            e.lastSeen = lastSeen;
            return e;
        }

        long sinceReset() {
            return total - baseline;
        }
    }

    private final DropNames names;
    private final Map<Key, Entry> entries;
    private final Map<Integer, List<String>> stacks;
    private long intervalNanos;
    private long eventsDelta;
    private long lostDelta;
    private long lostTotal;
    private long lostBaseline;
    private long overflowDelta;
    private long overflowTotal;
    private long overflowBaseline;
    private long updatedMillis = -1;
    private long intervals;
    /** Whether the last update left a delta to show (a drop, a lost event); false after reset. */
    private boolean deltas;

    public TopModel(DropNames names) {
        this(names, new HashMap<>(), new HashMap<>());
    }

    private TopModel(DropNames names, Map<Key, Entry> entries, Map<Integer, List<String>> stacks) {
        this.names = names;
        this.entries = entries;
        this.stacks = stacks;
    }

    /**
     * Takes in one interval's snapshot, received at wall time {@code nowMillis}.
     *
     * @return whether anything but the time of the update changed: false for a quiet interval
     *     after one that left no drops, lost events or rates to show (an idle top's clock)
     */
    public boolean update(Snapshot s, long nowMillis) {
        return update(s, nowMillis, s.intervalNanos());
    }

    /** {@link #update(Snapshot, long)} for an interval of {@code intervalNanos} (tests fix it). */
    public boolean update(Snapshot s, long nowMillis, long intervalNanos) {
        boolean quiet = s.quiet();
        if (quiet && !deltas && updatedMillis >= 0) {
            // Every delta is already zero and no total moved: rates stay 0.0 whatever the interval.
            this.intervalNanos = intervalNanos;
            updatedMillis = nowMillis;
            intervals++;
            return false;
        }
        for (Entry e : entries.values()) {
            e.delta = 0;
        }
        for (Snapshot.Row r : s.rows()) {
            Key k = new Key(r.origin(), r.location(), r.reason(), r.stackId());
            Entry e = entries.get(k);
            if (e == null) {
                String reason = r.reason() == DropSink.NO_REASON ? null : names.reason(r.reason());
                if (reason == null && r.reason() != DropSink.NO_REASON) {
                    reason = Integer.toString(r.reason());
                }
                e = new Entry(symbol(r.origin(), r.location()), reason, r.stackId());
                entries.put(k, e);
            }
            e.total = r.total();
            e.delta = r.delta();
            if (r.delta() > 0) {
                if (e.firstSeen < 0) {
                    e.firstSeen = nowMillis;
                }
                e.lastSeen = nowMillis;
            }
        }
        this.intervalNanos = intervalNanos;
        long events = 0;
        for (int c = 0; c < s.cpus(); c++) {
            events += s.cpuEventsDelta(c);
        }
        eventsDelta = events;
        lostDelta = s.lostDelta();
        lostTotal = s.lostTotal();
        overflowDelta = s.overflowDelta();
        overflowTotal = s.overflowTotal();
        updatedMillis = nowMillis;
        intervals++;
        deltas = !quiet;
        return true;
    }

    /**
     * Totals, lost events and first/last seen start again from now. Drops of the interval under
     * way when reset is asked for count after it.
     */
    public void reset() {
        for (Entry e : entries.values()) {
            e.baseline = e.total;
            e.delta = 0;
            e.firstSeen = -1;
            e.lastSeen = -1;
        }
        lostBaseline = lostTotal;
        lostDelta = 0;
        overflowBaseline = overflowTotal;
        overflowDelta = 0;
        eventsDelta = 0;
        deltas = false;
    }

    /** A frozen copy that later updates of this model do not change. */
    public TopModel copy() {
        Map<Key, Entry> m = new HashMap<>();
        entries.forEach((k, e) -> m.put(k, e.copy()));
        TopModel c = new TopModel(names, m, new HashMap<>(stacks));
        c.intervalNanos = intervalNanos;
        c.eventsDelta = eventsDelta;
        c.lostDelta = lostDelta;
        c.lostTotal = lostTotal;
        c.lostBaseline = lostBaseline;
        c.overflowDelta = overflowDelta;
        c.overflowTotal = overflowTotal;
        c.overflowBaseline = overflowBaseline;
        c.updatedMillis = updatedMillis;
        c.intervals = intervals;
        c.deltas = deltas;
        return c;
    }

    /** The rows of {@code grouping} that {@code filter} keeps, in {@code sort}'s order. */
    public List<Row> rows(Grouping grouping, Sort sort, DropPredicate filter) {
        Map<Object, Row> groups = new LinkedHashMap<>();
        double seconds = intervalNanos > 0 ? intervalNanos / 1e9 : 1;
        for (Entry e : entries.values()) {
            long total = e.sinceReset();
            if (total == 0 && e.delta == 0 || !filter.test(e.symbol, e.reason, DropPredicate.ANY_CPU)) {
                continue;
            }
            String reason = e.reason == null ? "-" : e.reason;
            Row r;
            Object key;
            switch (grouping) {
                case SYMBOL:
                    key = e.symbol;
                    r = new Row(e.symbol, null, null, 0, 0, -1, -1);
                    break;
                case REASON:
                    key = reason;
                    r = new Row(null, reason, null, 0, 0, -1, -1);
                    break;
                case STACK:
                    key = List.of(e.stackId, reason);
                    r = new Row(null, reason, stack(e.stackId), 0, 0, -1, -1);
                    break;
                default:
                    key = List.of(e.symbol, reason);
                    r = new Row(e.symbol, reason, null, 0, 0, -1, -1);
                    break;
            }
            Row g = groups.getOrDefault(key, r);
            groups.put(key, new Row(g.symbol(), g.reason(), g.stack(), g.rate() + e.delta / seconds,
                    g.total() + total, earliest(g.firstSeen(), e.firstSeen), Math.max(g.lastSeen(), e.lastSeen)));
        }
        List<Row> rows = new ArrayList<>(groups.values());
        rows.sort(order(sort));
        return rows;
    }

    /** A hardware drop's trap, else the function with its module ({@code nft_do_chain[nf_tables]}) or the address. */
    private String symbol(DropOrigin origin, long location) {
        return origin == DropOrigin.HARDWARE ? names.trapLabel((int) location) : names.location(location).function();
    }

    private List<String> stack(int id) {
        if (id == DropSink.NO_STACK) {
            return List.of();
        }
        return stacks.computeIfAbsent(id, this::frames);
    }

    /** The functions of a call chain, innermost first; none for a chain the names do not know. */
    private List<String> frames(int id) {
        List<Location> chain = names.stack(id);
        if (chain == null) {
            return List.of();
        }
        List<String> frames = new ArrayList<>(chain.size());
        for (Location f : chain) {
            frames.add(f.function());
        }
        return frames;
    }

    private static long earliest(long a, long b) {
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }

    /** The row's name, as sorted by name: its label columns in display order. */
    static String name(Row r) {
        StringBuilder sb = new StringBuilder();
        if (r.symbol() != null) {
            sb.append(r.symbol()).append(' ');
        }
        if (r.stack() != null) {
            sb.append(String.join(" ", r.stack())).append(' ');
        }
        if (r.reason() != null) {
            sb.append(r.reason());
        }
        return sb.toString();
    }

    private static Comparator<Row> order(Sort sort) {
        Comparator<Row> byName = Comparator.comparing(TopModel::name);
        switch (sort) {
            case TOTAL:
                return Comparator.comparingLong(Row::total).reversed().thenComparing(byName);
            case NAME:
                return byName;
            default:
                return Comparator.comparingDouble(Row::rate).reversed()
                        .thenComparing(Comparator.comparingLong(Row::total).reversed()).thenComparing(byName);
        }
    }

    /** Drops since start or reset, of every key and of the overflow, filtered or not: what shares are of. */
    public long dropsTotal() {
        long sum = overflowTotal - overflowBaseline;
        for (Entry e : entries.values()) {
            sum += e.sinceReset();
        }
        return sum;
    }

    /** Drops per second in the last interval, every key and the overflow. */
    public double dropsPerSecond() {
        long sum = overflowDelta;
        for (Entry e : entries.values()) {
            sum += e.delta;
        }
        return perSecond(sum);
    }

    /** Events the source delivered per second in the last interval (drops, before any filter). */
    public double eventsPerSecond() {
        return perSecond(eventsDelta);
    }

    /** Events the kernel could not deliver in the last interval. */
    public long lostDelta() {
        return lostDelta;
    }

    /** Events the kernel could not deliver since start or reset. */
    public long lostTotal() {
        return lostTotal - lostBaseline;
    }

    /** Drops of keys that found the key table full, since start or reset (counted, not shown by key). */
    public long overflowTotal() {
        return overflowTotal - overflowBaseline;
    }

    /** Wall time of the last update in milliseconds, -1 before the first. */
    public long updatedMillis() {
        return updatedMillis;
    }

    /** Number of snapshots taken in. */
    public long intervals() {
        return intervals;
    }

    private double perSecond(long count) {
        return intervalNanos > 0 ? count * 1e9 / intervalNanos : 0;
    }
}
