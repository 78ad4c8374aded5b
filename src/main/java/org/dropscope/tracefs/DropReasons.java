// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The running kernel's drop-reason numbers and names, read from the
 * {@code __print_symbolic(REC->reason, ...)} table of {@code skb:kfree_skb}'s {@code print fmt}.
 *
 * <p>The numbers are {@code enum skb_drop_reason} from {@code include/net/dropreason-core.h}
 * ({@code include/net/dropreason.h} in 6.0-6.3, {@code include/linux/skbuff.h} before). They are
 * not stable: reasons are inserted in the middle of the enum, so {@code NO_SOCKET} is 2 on
 * Linux 6.1 and 3 on 6.18. Only the kernel's own table is trusted.
 *
 * <p><b>Codes the table does not list.</b> The tracepoint table starts at {@code NOT_SPECIFIED}; the enum values before it are not
 * printed. What they are follows from where the table starts:
 * <ul>
 * <li>{@code NOT_SPECIFIED} = 0 (Linux 5.17): nothing comes before it;</li>
 * <li>{@code NOT_SPECIFIED} = 1 (5.18 to 6.1): 0 is {@code SKB_NOT_DROPPED_YET};</li>
 * <li>{@code NOT_SPECIFIED} = 2 (6.2 and later): 0 is {@code SKB_NOT_DROPPED_YET}, 1 is
 *     {@code SKB_CONSUMED}.</li>
 * </ul>
 * If the lowest entry is not {@code NOT_SPECIFIED}, or {@code NOT_SPECIFIED} is above 2 (no
 * kernel has that yet), nothing is implied. Since Linux 6.4 the upper
 * 16 bits of a reason are a subsystem id ({@code SKB_DROP_REASON_SUBSYS_SHIFT} = 16,
 * {@code enum skb_drop_reason_subsys}); those subsystems register their names at run time and do
 * not appear in the tracepoint's table, so such a code is named {@code SUBSYS_<id>:0x<low 16 bits
 * in hex>}, e.g. {@code SUBSYS_3:0x5}. Any other unlisted code is named {@code reason#<code>},
 * e.g. {@code reason#42}. These fallback names are stable, so reports stay comparable.
 *
 * <p>{@link #name(int)} does not allocate for a listed or implied code; fallback names are built
 * on each call. Instances are immutable and safe to share between threads.
 */
public final class DropReasons {
    /** {@code SKB_DROP_REASON_SUBSYS_SHIFT} in {@code include/net/dropreason.h} (6.4+). */
    public static final int SUBSYS_SHIFT = 16;
    /** Name of implied code 0 (see class comment). */
    public static final String NOT_DROPPED_YET = "SKB_NOT_DROPPED_YET";
    /** Name of implied code 1 on 6.2+ (see class comment). */
    public static final String CONSUMED = "SKB_CONSUMED";

    private static final String NOT_SPECIFIED = "NOT_SPECIFIED";
    private static final String ENUM_PREFIX = "SKB_DROP_REASON_";
    private static final int MAX_CODE = (1 << SUBSYS_SHIFT) - 1;
    private static final DropReasons NONE = new DropReasons(new String[0], 0);

    /** Index = code; null where the table has no entry. Includes the implied entries. */
    private final String[] names;
    private final int listed;
    private final Map<String, Integer> codes;

    private DropReasons(String[] names, int listed) {
        this.names = names;
        this.listed = listed;
        this.codes = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                codes.putIfAbsent(names[i], i);
            }
        }
    }

    /**
     * The reasons of a kernel without a {@code reason} field (before 5.17): every code gets its
     * fallback name and {@link #codeOf(String)} finds nothing.
     *
     * @return the empty table
     */
    public static DropReasons none() {
        return NONE;
    }

    /**
     * Reads the reason table of a parsed {@code skb:kfree_skb} format.
     *
     * @param format the parsed {@code events/skb/kfree_skb/format}
     * @return the table, or {@link #none()} if the event has no {@code reason} field
     * @throws TracefsFormatException if there is a {@code reason} field but no usable table
     */
    public static DropReasons from(TracepointFormat format) throws TracefsFormatException {
        if (format.field("reason").isEmpty()) {
            return NONE;
        }
        Optional<SymbolicTable> table = format.symbolicTable("reason");
        if (table.isEmpty()) {
            throw new TracefsFormatException(format.name() + " has a 'reason' field but its print"
                    + " fmt has no __print_symbolic(REC->reason, ...) table (expected since 5.17)");
        }
        return of(table.get());
    }

    /**
     * Builds the table from a {@code __print_symbolic} table of reasons.
     *
     * @param table the table printed for {@code REC->reason}
     * @return the reasons
     * @throws TracefsFormatException if a value is outside 0..65535 or a value or name repeats
     */
    public static DropReasons of(SymbolicTable table) throws TracefsFormatException {
        List<SymbolicTable.Entry> entries = table.entries();
        if (entries.isEmpty()) {
            return NONE;
        }
        long min = Long.MAX_VALUE;
        long max = -1;
        for (SymbolicTable.Entry e : entries) {
            if (e.value() < 0 || e.value() > MAX_CODE) {
                throw new TracefsFormatException("drop reason " + e.name() + " = " + e.value()
                        + " (expected: 0.." + MAX_CODE + "; the upper 16 bits are a subsystem id"
                        + " and never appear in the tracepoint table)");
            }
            min = Math.min(min, e.value());
            max = Math.max(max, e.value());
        }
        String[] names = new String[(int) max + 1];
        Map<String, Long> seen = new HashMap<>();
        for (SymbolicTable.Entry e : entries) {
            int code = (int) e.value();
            if (names[code] != null) {
                throw new TracefsFormatException("drop reason value " + code + " appears twice ("
                        + names[code] + ", " + e.name() + ")");
            }
            Long other = seen.put(e.name(), e.value());
            if (other != null) {
                throw new TracefsFormatException("drop reason " + e.name() + " appears twice ("
                        + other + ", " + code + ")");
            }
            names[code] = e.name();
        }
        if (NOT_SPECIFIED.equals(names[(int) min]) && (min == 1 || min == 2)) {
            names[0] = NOT_DROPPED_YET;
            if (min == 2) {
                names[1] = CONSUMED;
            }
        }
        return new DropReasons(names, entries.size());
    }

    /**
     * The name of a reason code.
     *
     * @param code the {@code reason} value of a record
     * @return the kernel's name (e.g. {@code NO_SOCKET}), an implied name, or a stable fallback
     *     ({@code SUBSYS_<id>:0x<hex>} or {@code reason#<code>}, see the class comment)
     */
    public String name(int code) {
        if (code >= 0 && code < names.length) {
            String n = names[code];
            if (n != null) {
                return n;
            }
        }
        int subsys = code >>> SUBSYS_SHIFT;
        if (subsys != 0) {
            return "SUBSYS_" + subsys + ":0x" + Integer.toHexString(code & MAX_CODE);
        }
        return "reason#" + code;
    }

    /**
     * The code of a reason name, for filters.
     *
     * @param name a name as the kernel prints it ({@code NO_SOCKET}), with or without the enum
     *     prefix ({@code SKB_DROP_REASON_NO_SOCKET}), or an implied name
     *     ({@code SKB_NOT_DROPPED_YET}, {@code SKB_CONSUMED})
     * @return the code, or -1 if this kernel has no such reason
     */
    public int codeOf(String name) {
        Integer code = codes.get(name);
        if (code == null && name.startsWith(ENUM_PREFIX)) {
            code = codes.get(name.substring(ENUM_PREFIX.length()));
        }
        return code == null ? -1 : code;
    }

    /**
     * Whether {@link #name(int)} has a kernel or implied name for the code.
     *
     * @param code a reason value
     * @return true if the name is not a fallback
     */
    public boolean isKnown(int code) {
        return code >= 0 && code < names.length && names[code] != null;
    }

    /**
     * The codes with a kernel or implied name, ascending.
     *
     * @return a fresh array
     */
    public int[] codes() {
        return IntStream.range(0, names.length).filter(i -> names[i] != null).toArray();
    }

    /**
     * How many entries the kernel's table listed (implied codes not counted).
     *
     * @return the number of listed reasons; 0 for {@link #none()}
     */
    public int listedCount() {
        return listed;
    }

    @Override
    public String toString() {
        return "DropReasons[" + listed + " listed, " + codes.size() + " named]";
    }
}
