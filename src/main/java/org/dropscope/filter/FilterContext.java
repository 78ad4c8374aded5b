// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import org.dropscope.event.DropOrigin;

/**
 * Names a filter compares against: live, the source's reason names and the symbol table; in a
 * report, the record file's name and symbol records.
 */
public interface FilterContext {
    /** The kernel's name of a reason code ({@code NO_SOCKET}), or {@code null} for none. */
    String reason(int code);

    /** The symbol name a location falls in, or a hardware drop's trap name; {@code null} if unknown. */
    String symbol(DropOrigin origin, long location);
}
