// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import org.dropscope.ksym.KernelSymbol;

/**
 * What the writer asks about the numbers in events the first time it sees them, so that the file
 * can be read without the recording machine: the kallsyms symbol of a location (or of a stack
 * frame), the frames of a stack id, the names of reason codes and trap ids. Asked on the
 * recording thread, once per distinct value.
 */
public interface EventNames {
    /** Knows nothing: events are recorded with raw numbers only. */
    EventNames NONE = new EventNames() {
    };

    /** The symbol containing kernel text address {@code pc}, or {@code null}. */
    default KernelSymbol symbol(long pc) {
        return null;
    }

    /** The kernel frames of a stack id of the source's stack table, innermost first, or {@code null}. */
    default long[] stack(int stackId) {
        return null;
    }

    /** The kernel's name of a reason code ({@code NO_SOCKET}), or {@code null}. */
    default String reason(int code) {
        return null;
    }

    /** The devlink trap name of a hardware drop's trap id, or {@code null}. */
    default String trap(int id) {
        return null;
    }
}
