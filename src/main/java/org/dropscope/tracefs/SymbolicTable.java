// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.util.List;
import java.util.Objects;

/**
 * One {@code __print_symbolic(REC->field, { value, "NAME" }, ...)} table from a tracepoint's
 * {@code print fmt}: the kernel's own mapping from a field's numeric value to the name it prints.
 *
 * <p>For {@code skb:kfree_skb} this is the only run-time source of drop-reason names: the table
 * is generated from {@code DEFINE_DROP_REASON} in {@code include/net/dropreason-core.h} (or
 * {@code include/net/dropreason.h} / {@code include/linux/skbuff.h} on older kernels) by the
 * {@code TRACE_DEFINE_ENUM} lines of {@code include/trace/events/skb.h}, which make tracefs
 * replace each enum name with its number when it prints the format.
 *
 * @param expression the first argument as written, e.g. {@code REC->reason}
 * @param entries the value/name pairs in the order the kernel printed them
 */
public record SymbolicTable(String expression, List<Entry> entries) {

    /**
     * One {@code { value, "NAME" }} pair.
     *
     * @param value the numeric value, as printed (decimal or hex in the source text)
     * @param name the name, without quotes
     */
    public record Entry(long value, String name) {
        /**
         * Checks the pair.
         *
         * @param value the numeric value
         * @param name the name, not null
         */
        public Entry {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Copies the entry list.
     *
     * @param expression the first argument of {@code __print_symbolic}
     * @param entries the value/name pairs
     */
    public SymbolicTable {
        Objects.requireNonNull(expression, "expression");
        entries = List.copyOf(entries);
    }

    /**
     * The field the table decodes, when the expression is a plain {@code REC->field}.
     *
     * @return the field name, or the whole expression when it is anything else
     */
    public String field() {
        String e = expression.trim();
        while (e.length() > 1 && e.charAt(0) == '(' && e.charAt(e.length() - 1) == ')') {
            e = e.substring(1, e.length() - 1).trim();
        }
        if (e.startsWith("REC->")) {
            String rest = e.substring("REC->".length()).trim();
            if (!rest.isEmpty() && rest.chars().allMatch(SymbolicTable::isIdentifierChar)) {
                return rest;
            }
        }
        return expression.trim();
    }

    private static boolean isIdentifierChar(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
