// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

/** The comparison operators of a filter. */
public enum Op {
    EQ("=="), NE("!="), MATCH("=~"), NOT_MATCH("!~"), LT("<"), LE("<="), GT(">"), GE(">="), IN("in");

    private final String text;

    Op(String text) {
        this.text = text;
    }

    /** How a filter spells it. */
    public String text() {
        return text;
    }

    /** The operator that is true exactly where this one is false; {@code IN} has none. */
    public Op negated() {
        switch (this) {
            case EQ:
                return NE;
            case NE:
                return EQ;
            case MATCH:
                return NOT_MATCH;
            case NOT_MATCH:
                return MATCH;
            case LT:
                return GE;
            case LE:
                return GT;
            case GT:
                return LE;
            case GE:
                return LT;
            default:
                throw new IllegalStateException("no negation of " + this);
        }
    }
}
