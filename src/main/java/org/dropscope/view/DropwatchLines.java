// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;

/**
 * Formats interval counts as dropwatch 1.5 prints its summary alerts, so that scripts that parse
 * dropwatch keep working:
 * <pre>
 * 12 drops at __udp4_lib_rcv+9a2 (0xffffffff81c3a9a2) [software] reason: NO_SOCKET
 * 3 drops at location 0xffffffffc0a01234 [software]
 * </pre>
 * The first form is dropwatch's {@code "%d drops at %s+%llx (%p) [software]"}, the second its
 * unresolved form {@code "%d drops at location %p [software]"} (PC 0, which NET_DM sends when a
 * device's rx_dropped rose, prints as glibc's {@code (nil)}). dropscope appends
 * {@code " reason: NAME"} when the source gives a reason; dropwatch's summary mode has none.
 * Hardware drops print as dropwatch's {@code "%d drops at %s [hardware]"} with the trap name.
 * Names are printed through {@link Printable#word}: one word each, nothing a terminal obeys.
 */
public final class DropwatchLines {
    private final DropNames names;

    /** Lines whose locations, reasons and traps {@code names} names. */
    public DropwatchLines(DropNames names) {
        this.names = names;
    }

    /** One line for one key's count. */
    public String line(long count, DropOrigin origin, long location, int reason) {
        String where = origin == DropOrigin.HARDWARE ? names.trapLabel((int) location)
                : location == 0 ? null : names.symbolOffset(location);
        String why = null;
        if (reason != DropSink.NO_REASON) {
            String name = names.reason(reason);
            why = name != null ? name : Integer.toString(reason);
        }
        return line(count, origin, location, where, why);
    }

    /**
     * One line with its names already found.
     *
     * @param where the trap name (hardware), dropwatch's {@code sym+off} (software), or
     *     {@code null} when nothing names a software location
     * @param reason the reason's name, or {@code null} for a drop without one
     */
    public static String line(long count, DropOrigin origin, long location, String where, String reason) {
        StringBuilder sb = new StringBuilder(96).append(count).append(" drops at ");
        if (origin == DropOrigin.HARDWARE) {
            sb.append(Printable.word(where)).append(" [hardware]");
        } else {
            if (where != null) {
                sb.append(Printable.word(where)).append(" (").append(pointer(location)).append(')');
            } else {
                sb.append("location ").append(pointer(location));
            }
            sb.append(" [software]");
        }
        if (reason != null) {
            sb.append(" reason: ").append(Printable.word(reason));
        }
        return sb.toString();
    }

    /** dropwatch's hardware summary line: {@code "%d drops at %s [hardware]"} with the trap name. */
    public String hardwareLine(long count, String trapName) {
        return line(count, DropOrigin.HARDWARE, 0, trapName, null);
    }

    /**
     * The lines for an interval: one per key that had drops in it, the busiest first. Keys that
     * differ only by stack are merged, as dropwatch has no stacks.
     */
    public List<String> lines(Snapshot s) {
        List<Snapshot.Row> rows = new ArrayList<>();
        for (Snapshot.Row r : s.rows()) {
            if (r.delta() == 0) {
                continue;
            }
            int same = indexOfSameLine(rows, r);
            if (same >= 0) {
                Snapshot.Row o = rows.get(same);
                rows.set(same, new Snapshot.Row(o.origin(), o.location(), o.reason(), DropSink.NO_STACK,
                        o.delta() + r.delta(), o.total() + r.total()));
            } else {
                rows.add(r);
            }
        }
        rows.sort(Comparator.comparingLong(Snapshot.Row::delta).reversed()
                .thenComparingLong(Snapshot.Row::location));
        List<String> out = new ArrayList<>(rows.size());
        for (Snapshot.Row r : rows) {
            out.add(line(r.delta(), r.origin(), r.location(), r.reason()));
        }
        return out;
    }

    /** C's {@code %p}: hex with 0x, and glibc's "(nil)" for a null pointer (NET_DM's PC 0). */
    private static String pointer(long address) {
        return address == 0 ? "(nil)" : "0x" + Long.toHexString(address);
    }

    private static int indexOfSameLine(List<Snapshot.Row> rows, Snapshot.Row r) {
        for (int i = 0; i < rows.size(); i++) {
            Snapshot.Row o = rows.get(i);
            if (o.origin() == r.origin() && o.location() == r.location() && o.reason() == r.reason()) {
                return i;
            }
        }
        return -1;
    }
}
