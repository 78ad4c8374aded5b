// SPDX-License-Identifier: Apache-2.0
package org.dropscope.names;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What the numbers of a drop are called: its location's symbol (and symbol+offset), its reason
 * code, its trap id (hardware drops) and its stack id. Every view, the recorder and the filter
 * ask through this interface, so that one drop has one name wherever it is shown, filtered or
 * written.
 *
 * <p>Implementations: live ({@code source.LiveNames}: kallsyms, the source's reason and trap
 * tables, the aggregator's stack table), recorded ({@code record.RecordNames}: a record file's
 * names), and names alone ({@link NameBook}). Every answer is a name, never a symbol table: a
 * process that was told the names of the numbers it holds (a daemon's client) can answer without
 * kallsyms. An implementation says {@code null} for what it does not know; the defaults know
 * nothing.
 *
 * <p>Implementations are safe to ask from several threads.
 */
public interface DropNames {
    /** Knows nothing: every view falls back to numbers. */
    DropNames NONE = new DropNames() {
    };

    /** Names of reason codes alone, as {@code reasons} gives them: a source that names nothing else. */
    static DropNames ofReasons(IntFunction<String> reasons) {
        return new DropNames() {
            @Override
            public String reason(int code) {
                return reasons.apply(code);
            }
        };
    }

    /** What names kernel text address {@code pc}: the function, its module, {@code pc}'s offset; or {@code null}. */
    default Symbol symbolAt(long pc) {
        return null;
    }

    /**
     * The symbol and offset of {@code pc} in dropwatch's form, {@code __udp4_lib_rcv+9a2}
     * ({@link Symbol#dropwatch}), or {@code null}. Live, cached per address.
     */
    default String symbolOffset(long pc) {
        Symbol s = symbolAt(pc);
        return s == null ? null : s.dropwatch();
    }

    /**
     * The name of the function {@code pc} is in ({@code __udp4_lib_rcv}), or {@code null}. A
     * filter asks this per event: live, it allocates nothing.
     */
    default String symbol(long pc) {
        Symbol s = symbolAt(pc);
        return s == null ? null : s.name();
    }

    /**
     * The kernel's name of a reason code without the {@code SKB_DROP_REASON_} prefix
     * ({@code NO_SOCKET}), or {@code null} (always for {@code DropSink.NO_REASON}).
     */
    default String reason(int code) {
        return null;
    }

    /** The devlink trap name of a hardware drop's trap id ({@code ingress_vlan_filter}), or {@code null}. */
    default String trap(int id) {
        return null;
    }

    /**
     * The call chain of a stack id, innermost frame first, or {@code null} when the id is not
     * known here.
     */
    default List<Location> stack(int id) {
        return null;
    }

    /** {@code pc} with what names it. */
    default Location location(long pc) {
        return new Location(pc, symbolAt(pc));
    }

    /** Each of {@code pcs} with what names it, in order: a call chain's frames. */
    default List<Location> locations(long[] pcs) {
        List<Location> out = new ArrayList<>(pcs.length);
        for (long pc : pcs) {
            out.add(location(pc));
        }
        return out;
    }

    /** The trap's name, or {@code trap#ID} when it has none: what every view shows for a hardware drop. */
    default String trapLabel(int id) {
        String name = trap(id);
        return name != null ? name : "trap#" + id;
    }
}
