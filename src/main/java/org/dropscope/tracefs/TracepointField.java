// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.util.Objects;

/**
 * One {@code field:} line of a tracepoint {@code format} file: where a member of the event's raw
 * record lives.
 *
 * <p>The kernel prints each field as
 * {@code field:<type> <name>;\toffset:<n>;\tsize:<n>;\tsigned:<0|1>;}, with offsets counted from
 * the start of the raw record (the common header included). See
 * {@code Documentation/trace/events.rst}, "Event formats". Array members keep their dimension on
 * the type: {@code field:char comm[16];} becomes type {@code char[16]}, name {@code comm}.
 *
 * @param type the C type as printed, e.g. {@code void *}, {@code enum skb_drop_reason}
 * @param name the member name, e.g. {@code location}
 * @param offset byte offset from the start of the raw record
 * @param size size in bytes
 * @param signed whether the kernel marks the member as a signed type
 */
public record TracepointField(String type, String name, int offset, int size, boolean signed) {

    /**
     * Checks the invariants every field the kernel prints satisfies.
     *
     * @param type the C type as printed
     * @param name the member name
     * @param offset byte offset, not negative
     * @param size size in bytes, not negative
     * @param signed whether the member is signed
     */
    public TracepointField {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty field name");
        }
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException(
                    "field " + name + ": negative offset " + offset + " or size " + size);
        }
    }

    /**
     * The first byte after this field.
     *
     * @return {@code offset + size}
     */
    public int end() {
        return offset + size;
    }

    /**
     * Whether this is one of the header fields every event shares ({@code common_type},
     * {@code common_flags}, {@code common_preempt_count}, {@code common_pid}, and on old kernels
     * {@code common_lock_depth} or {@code common_padding}).
     *
     * @return true for a {@code common_*} field
     */
    public boolean isCommon() {
        return name.startsWith("common_");
    }
}
