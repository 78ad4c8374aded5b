// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

/**
 * Base of the "open enums" that mirror kernel uapi constants: a known value is a named constant,
 * an unknown one (from a newer kernel) a new instance named {@code UNKNOWN(n)}, so decoders can
 * report and skip what they do not know instead of failing (the shape of Netty's DnsRecordType).
 *
 * @param <E> the concrete constant class; equality is by class and value
 */
public abstract class OpenEnum<E extends OpenEnum<E>> implements Comparable<E> {
    private final int value;
    private final String name;
    private final boolean known;

    protected OpenEnum(int value, String name, boolean known) {
        this.value = value;
        this.name = name;
        this.known = known;
    }

    /** The name used for values the mirrored header does not have. */
    protected static String unknownName(int value) {
        return "UNKNOWN(" + value + ")";
    }

    public final int intValue() {
        return value;
    }

    /** The uapi name, or "UNKNOWN(n)". */
    public final String name() {
        return name;
    }

    /** Whether this value is named in the mirrored header. */
    public final boolean isKnown() {
        return known;
    }

    @Override
    public final int compareTo(E other) {
        return Integer.compare(value, other.intValue());
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((OpenEnum<?>) o).value == value;
    }

    @Override
    public final int hashCode() {
        return value;
    }

    @Override
    public final String toString() {
        return known ? name + '(' + value + ')' : name;
    }
}
