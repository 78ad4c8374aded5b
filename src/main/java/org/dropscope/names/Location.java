// SPDX-License-Identifier: Apache-2.0
package org.dropscope.names;

/**
 * A kernel text address (a drop's location, a frame of its call chain) with what names it, and
 * the forms the views print, each falling back to the address in hex when nothing names it.
 *
 * @param pc the address
 * @param symbol what names it, or {@code null}
 */
public record Location(long pc, Symbol symbol) {
    /** The symbol's name, or the address in hex. */
    public String name() {
        return symbol != null ? symbol.name() : hex(pc);
    }

    /** {@link Symbol#function()}, or the address in hex. */
    public String function() {
        return symbol != null ? symbol.function() : hex(pc);
    }

    /** {@link Symbol#dropwatch()}, or the address in hex. */
    public String dropwatch() {
        return symbol != null ? symbol.dropwatch() : hex(pc);
    }

    /** {@code 0x} and lowercase hex, unsigned. */
    public static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
