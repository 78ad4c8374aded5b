// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a report's rows are grouped by ({@code report --group}); docs/report.md describes each.
 * Several combine: one row per distinct combination of their values.
 */
public enum GroupKey {
    /** The function the drop location is in (kallsyms name), or a hardware drop's trap name. */
    SYMBOL("symbol"),
    /** The drop location itself, {@code sym+off}: one row per kernel text address. */
    LOCATION("location"),
    /** The drop reason's name. */
    REASON("reason"),
    /** The recorded kernel call chain. */
    STACK("stack"),
    /** The CPU that dropped (the tracepoint's ring; NET_DM gives 0). */
    CPU("cpu"),
    /** The packet's Ethertype. */
    PROTO("proto"),
    /** The wall-clock second of the drop, from the file's clock anchor. */
    SECOND("second");

    /** {@code --group}'s default. */
    public static final List<GroupKey> DEFAULT = List.of(SYMBOL, REASON);

    private final String word;

    GroupKey(String word) {
        this.word = word;
    }

    /** The word {@code --group} takes. */
    public String word() {
        return word;
    }

    /**
     * The keys of comma-separated {@code words}, in order, each once.
     *
     * @throws IllegalArgumentException naming a word that is no key
     */
    public static List<GroupKey> parse(List<String> words) {
        List<GroupKey> keys = new ArrayList<>();
        for (String list : words) {
            for (String w : list.split(",", -1)) {
                GroupKey k = of(w.trim().toLowerCase(Locale.ROOT));
                if (k == null) {
                    throw new IllegalArgumentException("unknown --group '" + w.trim() + "' (expected: " + words() + ")");
                }
                if (!keys.contains(k)) {
                    keys.add(k);
                }
            }
        }
        return keys;
    }

    private static GroupKey of(String word) {
        for (GroupKey k : values()) {
            if (k.word.equals(word)) {
                return k;
            }
        }
        return null;
    }

    private static String words() {
        StringBuilder sb = new StringBuilder();
        for (GroupKey k : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.word);
        }
        return sb.toString();
    }
}
