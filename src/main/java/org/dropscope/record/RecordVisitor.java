// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import org.dropscope.event.DropEvent;
import org.dropscope.ksym.KernelSymbol;

/**
 * Receives a record file's contents in file order from {@link RecordReader#read}. A symbol,
 * stack or name always arrives before the first event that uses it.
 */
public interface RecordVisitor {
    /** A kallsyms entry an event's location or stack frame falls in. */
    default void symbol(KernelSymbol symbol) {
    }

    /** The kernel frames of a stack id, innermost first; the array is the visitor's to keep. */
    default void stack(int stackId, long[] frames) {
    }

    /** The name of a reason code or trap id. */
    default void name(NameKind kind, int code, String name) {
    }

    /** One event; the instance is reused for the next one. */
    void drop(DropEvent event);

    /** Events the kernel could not hand over. */
    default void lost(long timeNanos, int cpu, long count) {
    }
}
