// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed filter expression (docs/filter.md). {@link #toString()} gives it back in canonical
 * form, fully parenthesised where precedence needs it.
 */
public sealed interface Expr {
    /** {@code left || right}. */
    record Or(Expr left, Expr right) implements Expr {
        @Override
        public String toString() {
            return left + " || " + right;
        }
    }

    /** {@code left && right}. */
    record And(Expr left, Expr right) implements Expr {
        @Override
        public String toString() {
            return wrap(left) + " && " + wrap(right);
        }
    }

    /** {@code !operand}. */
    record Not(Expr operand) implements Expr {
        @Override
        public String toString() {
            return operand instanceof Compare ? "!(" + operand + ")" : "!" + wrapAll(operand);
        }
    }

    /**
     * {@code field op value}, or {@code field in {values}}.
     *
     * @param column where the field name starts, for messages
     */
    record Compare(Field field, Op op, List<Value> values, int column) implements Expr {
        public Compare {
            values = List.copyOf(values);
        }

        /** The one value of a comparison that is not {@code in}. */
        public Value value() {
            return values.get(0);
        }

        @Override
        public String toString() {
            if (op == Op.IN) {
                return field.word() + " in {" + values.stream().map(this::show).collect(Collectors.joining(", ")) + "}";
            }
            return field.word() + " " + op.text() + " " + show(value());
        }

        /** Protocols in hexadecimal, as Ethertypes are written. */
        private String show(Value v) {
            return field == Field.PROTOCOL ? String.format("0x%04x", v.number()) : v.toString();
        }
    }

    /**
     * A literal: a number, or a word (name or glob).
     *
     * @param text the word as written, or {@code null} for a number
     * @param number the number, when {@code text} is null
     * @param column where it starts
     */
    record Value(String text, long number, int column) {
        public boolean isNumber() {
            return text == null;
        }

        @Override
        public String toString() {
            if (isNumber()) {
                return Long.toString(number);
            }
            return text.chars().allMatch(c -> FilterLexer.isWordChar(c)) ? text : '"' + text + '"';
        }
    }

    private static String wrap(Expr e) {
        return e instanceof Or ? "(" + e + ")" : e.toString();
    }

    private static String wrapAll(Expr e) {
        return e instanceof Compare || e instanceof Not ? e.toString() : "(" + e + ")";
    }
}
