// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

/**
 * Names a drop location for display. Implemented over the kallsyms symbolizer, or by
 * {@link #NONE} for dropwatch's null lookup method ({@code -l none}).
 */
@FunctionalInterface
public interface LocationNames {
    /** Resolves nothing: every location prints as a raw address. */
    LocationNames NONE = pc -> null;

    /** dropwatch's form {@code sym+hexoff} (no {@code 0x}), or {@code null} if unresolvable. */
    String dropwatch(long pc);
}
