// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;

/**
 * A declarative attribute table, the decoding side of the kernel's {@code struct nla_policy}
 * (include/net/netlink.h) and of dropwatch's {@code net_dm_policy}: for each attribute type its
 * uapi name, its kind, the smallest payload that kind allows, and where the value goes.
 *
 * <p>{@link #parse} walks a range of attributes into a mutable target (a decoder's builder):
 * <ul>
 * <li>a type the table does not know is skipped, because kernels keep adding attributes;</li>
 * <li>a known type whose payload is shorter than its kind needs is a
 *     {@link NetlinkDecoderException} ({@code "NET_DM_ATTR_PC: u64 of 4 bytes (expected: 8+
 *     bytes)"}); a longer one is accepted and its first bytes read, as the kernel's non-strict
 *     validation does;</li>
 * <li>a repeated attribute overwrites the earlier one (nla_parse keeps the last);</li>
 * <li>nested attributes recurse through {@link NlAttrs#nested}, so the nesting cap applies.</li>
 * </ul>
 * Errors carry the table's name and the attribute's as context.
 *
 * <p>Immutable once built, and so safe to share between threads; the target is not.
 *
 * @param <T> the target the values are written to
 */
public final class NlPolicy<T> {

    /** Attribute payload kinds, with the smallest payload each allows. */
    public enum Kind {
        U8(1), U16(2), U32(4), U64(8),
        /** NLA_STRING / NLA_NUL_STRING: read up to the first NUL. */
        STRING(0),
        /** NLA_BINARY: raw bytes. */
        BINARY(0),
        /** NLA_FLAG: presence is the value. */
        FLAG(0),
        /** NLA_NESTED: attributes inside. */
        NESTED(0),
        /** A known attribute that carries nothing to keep, such as a PAD attribute. */
        IGNORED(0);

        private final int minLength;

        Kind(int minLength) {
            this.minLength = minLength;
        }
    }

    /** Receives a nested attribute's contents, one level down. */
    @FunctionalInterface
    public interface NestedAction<T> {
        void accept(T target, NlAttrs nested);
    }

    /** One table row: {@code leaf} for the value kinds, {@code nest} for NESTED. */
    private record Rule<T>(int type, String name, Kind kind, int minLength, BiConsumer<T, NlAttr> leaf,
            NestedAction<T> nest) {
    }

    private final String name;
    private final List<Rule<T>> rules;
    private final Rule<T>[] byType;

    @SuppressWarnings("unchecked")
    private NlPolicy(String name, List<Rule<T>> rules) {
        this.name = name;
        this.rules = List.copyOf(rules);
        int max = -1;
        for (Rule<T> r : rules) {
            max = Math.max(max, r.type);
        }
        byType = (Rule<T>[]) new Rule<?>[max + 1];
        for (Rule<T> r : rules) {
            if (byType[r.type] != null) {
                throw new IllegalArgumentException(name + ": attribute type " + r.type + " listed twice");
            }
            byType[r.type] = r;
        }
    }

    /** Starts a table; {@code name} prefixes its error messages (a command or nest name). */
    public static <T> Builder<T> builder(String name) {
        return new Builder<>(name);
    }

    /**
     * Reads every remaining attribute of {@code attrs} into {@code target}.
     *
     * @return how many attributes were skipped because the table does not know their type
     * @throws NetlinkDecoderException for a malformed range or a too-short known attribute
     */
    public int parse(NlAttrs attrs, T target) {
        int skipped = 0;
        try {
            for (NlAttr a = attrs.next(); a != null; a = attrs.next()) {
                Rule<T> rule = a.type() < byType.length ? byType[a.type()] : null;
                if (rule == null) {
                    skipped++;
                    continue;
                }
                if (a.length() < rule.minLength) {
                    throw new NetlinkDecoderException(rule.name + ": " + rule.kind.name().toLowerCase(Locale.ROOT) + " of "
                            + a.length() + " bytes (expected: " + rule.minLength + "+ bytes)");
                }
                if (rule.kind == Kind.NESTED) {
                    rule.nest.accept(target, attrs.nested(a));
                } else {
                    rule.leaf.accept(target, a);
                }
            }
        } catch (NetlinkDecoderException e) {
            throw new NetlinkDecoderException(name, e);
        }
        return skipped;
    }

    /** The table's name. */
    public String name() {
        return name;
    }

    /** The uapi name of {@code type}, or null if the table does not know it. */
    public String nameOf(int type) {
        Rule<T> r = type >= 0 && type < byType.length ? byType[type] : null;
        return r == null ? null : r.name;
    }

    /** The kind of {@code type}, or null if the table does not know it. */
    public Kind kindOf(int type) {
        Rule<T> r = type >= 0 && type < byType.length ? byType[type] : null;
        return r == null ? null : r.kind;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('{');
        for (Rule<T> r : rules) {
            sb.append(r.name).append('=').append(r.type).append(':').append(r.kind).append(", ");
        }
        return sb.append('}').toString().replace(", }", "}");
    }

    /** Builds a table; each method adds one attribute. */
    public static final class Builder<T> {
        private final String name;
        private final List<Rule<T>> rules = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        private Builder<T> add(int type, String attrName, Kind kind, int minLength, BiConsumer<T, NlAttr> leaf,
                NestedAction<T> nest) {
            if (type < 0 || type > NetlinkLayout.NLA_TYPE_MASK) {
                throw new IllegalArgumentException(attrName + ": type " + type);
            }
            rules.add(new Rule<>(type, attrName, kind, minLength, leaf, nest));
            return this;
        }

        private Builder<T> add(int type, String attrName, Kind kind, int minLength, BiConsumer<T, NlAttr> leaf) {
            return add(type, attrName, kind, minLength, leaf, null);
        }

        public Builder<T> u8(int type, String attrName, ObjIntConsumer<T> set) {
            return add(type, attrName, Kind.U8, Kind.U8.minLength, (t, a) -> set.accept(t, a.u8()));
        }

        public Builder<T> u16(int type, String attrName, ObjIntConsumer<T> set) {
            return add(type, attrName, Kind.U16, Kind.U16.minLength, (t, a) -> set.accept(t, a.u16()));
        }

        /** A u32; the int passed on is unsigned (see {@link Integer#toUnsignedLong(int)}). */
        public Builder<T> u32(int type, String attrName, ObjIntConsumer<T> set) {
            return add(type, attrName, Kind.U32, Kind.U32.minLength, (t, a) -> set.accept(t, a.u32()));
        }

        /** A u64; the long passed on is unsigned. */
        public Builder<T> u64(int type, String attrName, ObjLongConsumer<T> set) {
            return add(type, attrName, Kind.U64, Kind.U64.minLength, (t, a) -> set.accept(t, a.u64()));
        }

        public Builder<T> string(int type, String attrName, BiConsumer<T, String> set) {
            return add(type, attrName, Kind.STRING, 0, (t, a) -> set.accept(t, a.string()));
        }

        /**
         * Raw bytes of at least {@code minLength}; the action gets the attribute itself, whose
         * payload is valid only during the call (copy what you keep).
         */
        public Builder<T> binary(int type, String attrName, int minLength, BiConsumer<T, NlAttr> action) {
            return add(type, attrName, Kind.BINARY, minLength, action);
        }

        public Builder<T> flag(int type, String attrName, Consumer<T> set) {
            return add(type, attrName, Kind.FLAG, 0, (t, a) -> set.accept(t));
        }

        /** A nest whose contents follow {@code inner}, written into the same target. */
        public Builder<T> nested(int type, String attrName, NlPolicy<T> inner) {
            return nested(type, attrName, (t, attrs) -> inner.parse(attrs, t));
        }

        /** A nest handed to {@code action} as a cursor one level down. */
        public Builder<T> nested(int type, String attrName, NestedAction<T> action) {
            return add(type, attrName, Kind.NESTED, 0, null, action);
        }

        /** A known attribute that is read past without a value (PAD). */
        public Builder<T> ignored(int type, String attrName) {
            return add(type, attrName, Kind.IGNORED, 0, (t, a) -> { });
        }

        public NlPolicy<T> build() {
            return new NlPolicy<>(name, rules);
        }
    }
}
