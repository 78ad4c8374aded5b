// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.util.Optional;

/**
 * Where the members of an {@code skb:kfree_skb} raw record are, for the running kernel, taken
 * from its tracefs {@code format} file.
 *
 * <p>The event is defined by {@code TRACE_EVENT(kfree_skb, ...)} in
 * {@code include/trace/events/skb.h}; its layout has three generations (see {@link Generation}).
 * All accessors are plain {@code int}s so the perf sample decoder can read, say, the drop
 * location at {@code rawOffset + layout.locationOffset()} without a lookup. Offsets are from the
 * start of the raw record, which begins with the common header ({@code common_type} etc.).
 *
 * <p>Validation is strict because the decoder trusts these numbers: {@code skbaddr},
 * {@code location} and {@code rx_sk} must be 8 bytes (a 64-bit kernel pointer), {@code protocol}
 * 2 bytes and {@code reason} 4 bytes ({@code enum skb_drop_reason}). Anything else is rejected
 * with a message naming the field.
 *
 * <p>Example:
 * <pre>{@code
 * KfreeSkbLayout layout = KfreeSkbLayout.from(tracefs.eventFormat("skb", "kfree_skb"));
 * long pc = raw.getLongLE(rawOffset + layout.locationOffset());
 * int reason = layout.hasReason() ? raw.getIntLE(rawOffset + layout.reasonOffset()) : 0;
 * }</pre>
 */
public final class KfreeSkbLayout {
    /** The value of an offset accessor for a field this kernel does not have. */
    public static final int ABSENT = -1;

    /** The {@code skb:kfree_skb} layout generations. */
    public enum Generation {
        /** Before Linux 5.17: {@code skbaddr}, {@code location}, {@code protocol}. */
        NO_REASON,
        /**
         * Linux 5.17 to 6.10: adds {@code reason} ({@code enum skb_drop_reason}), added by
         * "net: skb: introduce kfree_skb_reason()".
         */
        REASON,
        /**
         * Linux 6.11 and later: adds the receiving socket pointer before {@code protocol}
         * ("net: add rx_sk to trace_kfree_skb"), printed as {@code rx_sk} or {@code rx_skaddr}.
         */
        RX_SK
    }

    private static final String EVENT = "kfree_skb";
    private static final int POINTER = 8;

    private final Generation generation;
    private final int skbaddrOffset;
    private final int locationOffset;
    private final int protocolOffset;
    private final int reasonOffset;
    private final int rxSkOffset;
    private final String rxSkField;
    private final int rawSize;
    private final int eventId;

    private KfreeSkbLayout(TracepointFormat format, TracepointField skbaddr,
            TracepointField location, TracepointField protocol, TracepointField reason,
            TracepointField rxSk) {
        this.skbaddrOffset = skbaddr.offset();
        this.locationOffset = location.offset();
        this.protocolOffset = protocol.offset();
        this.reasonOffset = reason == null ? ABSENT : reason.offset();
        this.rxSkOffset = rxSk == null ? ABSENT : rxSk.offset();
        this.rxSkField = rxSk == null ? null : rxSk.name();
        this.rawSize = format.rawSize();
        this.eventId = format.id();
        this.generation = reason == null ? Generation.NO_REASON
                : rxSk == null ? Generation.REASON : Generation.RX_SK;
    }

    /**
     * Derives and checks the layout from the parsed format of {@code skb:kfree_skb}.
     *
     * @param format the parsed {@code events/skb/kfree_skb/format}
     * @return the layout
     * @throws TracefsFormatException if the format is of another event, lacks a required field,
     *     has a field of an unexpected size, or has {@code rx_sk} without {@code reason}
     */
    public static KfreeSkbLayout from(TracepointFormat format) throws TracefsFormatException {
        if (!format.name().equals(EVENT)) {
            throw new TracefsFormatException("expected the format of skb:" + EVENT
                    + " but got the format of '" + format.name() + "'");
        }
        TracepointField skbaddr = required(format, "skbaddr", POINTER);
        TracepointField location = required(format, "location", POINTER);
        TracepointField protocol = required(format, "protocol", 2);
        TracepointField reason = optional(format, "reason", 4);
        TracepointField rxSk = optional(format, "rx_sk", POINTER);
        if (rxSk == null) {
            rxSk = optional(format, "rx_skaddr", POINTER);
        }
        if (rxSk != null && reason == null) {
            throw new TracefsFormatException("skb:kfree_skb has field '" + rxSk.name()
                    + "' but no 'reason' field: no known kernel has this layout (expected: reason"
                    + " since 5.17, " + rxSk.name() + " since 6.11)");
        }
        return new KfreeSkbLayout(format, skbaddr, location, protocol, reason, rxSk);
    }

    private static TracepointField required(TracepointFormat format, String name, int size)
            throws TracefsFormatException {
        TracepointField f = optional(format, name, size);
        if (f == null) {
            throw new TracefsFormatException("skb:kfree_skb has no '" + name + "' field (expected"
                    + " on every kernel; fields found: " + names(format) + ")");
        }
        return f;
    }

    private static TracepointField optional(TracepointFormat format, String name, int size)
            throws TracefsFormatException {
        Optional<TracepointField> f = format.field(name);
        if (f.isEmpty()) {
            return null;
        }
        if (f.get().size() != size) {
            throw new TracefsFormatException("skb:kfree_skb field '" + name + "' has size "
                    + f.get().size() + " (expected: " + size + " bytes"
                    + (size == POINTER ? ", a 64-bit kernel pointer" : "") + ")");
        }
        return f.get();
    }

    private static String names(TracepointFormat format) {
        StringBuilder sb = new StringBuilder();
        for (TracepointField f : format.fields()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(f.name());
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /**
     * Which of the three known layouts this is.
     *
     * @return the generation
     */
    public Generation generation() {
        return generation;
    }

    /**
     * The tracepoint id the layout was read with (the {@code common_type} of its records).
     *
     * @return the event id
     */
    public int eventId() {
        return eventId;
    }

    /**
     * Offset of {@code skbaddr}, the freed {@code struct sk_buff *} (8 bytes).
     *
     * @return the offset
     */
    public int skbaddrOffset() {
        return skbaddrOffset;
    }

    /**
     * Offset of {@code location}, the kernel address that freed the skb (8 bytes).
     *
     * @return the offset
     */
    public int locationOffset() {
        return locationOffset;
    }

    /**
     * Offset of {@code protocol}, the skb's ethertype in host byte order (2 bytes).
     *
     * @return the offset
     */
    public int protocolOffset() {
        return protocolOffset;
    }

    /**
     * Offset of {@code reason} ({@code enum skb_drop_reason}, 4 bytes).
     *
     * @return the offset, or {@link #ABSENT} before Linux 5.17
     */
    public int reasonOffset() {
        return reasonOffset;
    }

    /**
     * Whether records carry a drop reason.
     *
     * @return true from Linux 5.17
     */
    public boolean hasReason() {
        return reasonOffset != ABSENT;
    }

    /**
     * Offset of the receiving socket pointer (8 bytes).
     *
     * @return the offset, or {@link #ABSENT} before Linux 6.11
     */
    public int rxSkOffset() {
        return rxSkOffset;
    }

    /**
     * Whether records carry the receiving socket pointer.
     *
     * @return true from Linux 6.11
     */
    public boolean hasRxSk() {
        return rxSkOffset != ABSENT;
    }

    /**
     * The name this kernel gives the receiving socket field.
     *
     * @return {@code rx_sk} or {@code rx_skaddr}, or null when absent
     */
    public String rxSkField() {
        return rxSkField;
    }

    /**
     * Bytes covered by all fields; a raw sample shorter than this is truncated.
     *
     * @return the raw record size without trailing padding
     */
    public int rawSize() {
        return rawSize;
    }

    @Override
    public String toString() {
        return "KfreeSkbLayout[" + generation + " id=" + eventId + " skbaddr@" + skbaddrOffset
                + " location@" + locationOffset + (hasRxSk() ? " " + rxSkField + "@" + rxSkOffset : "")
                + " protocol@" + protocolOffset + (hasReason() ? " reason@" + reasonOffset : "")
                + " rawSize=" + rawSize + "]";
    }
}
