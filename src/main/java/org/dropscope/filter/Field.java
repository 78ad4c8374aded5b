// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.EnumSet;
import java.util.Set;

/** What a filter can test, and which operators each field takes. */
public enum Field {
    /** The drop reason, by kernel name ({@code NO_SOCKET}) or code. */
    REASON("reason", EnumSet.of(Op.EQ, Op.NE, Op.MATCH, Op.NOT_MATCH, Op.IN)),
    /** The symbol the drop location falls in (a hardware drop's trap name). */
    SYMBOL("symbol", EnumSet.of(Op.EQ, Op.NE, Op.MATCH, Op.NOT_MATCH, Op.IN)),
    /** The packet's Ethertype, by number ({@code 0x0800}) or name ({@code ipv4}). */
    PROTOCOL("protocol", EnumSet.of(Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.IN)),
    /** The CPU that dropped. */
    CPU("cpu", EnumSet.of(Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.IN)),
    /** The input interface index (NET_DM packet alerts only). */
    IFINDEX("ifindex", EnumSet.of(Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.IN));

    private final String word;
    private final Set<Op> ops;

    Field(String word, Set<Op> ops) {
        this.word = word;
        this.ops = ops;
    }

    /** The word a filter spells it with. */
    public String word() {
        return word;
    }

    /** Whether the field takes {@code op}. */
    public boolean takes(Op op) {
        return ops.contains(op);
    }

    /** Whether values are numbers only. */
    public boolean numeric() {
        return this == CPU || this == IFINDEX || this == PROTOCOL;
    }

    /** The field a filter word names, or {@code null}. */
    public static Field of(String word) {
        for (Field f : values()) {
            if (f.word.equals(word)) {
                return f;
            }
        }
        return null;
    }
}
