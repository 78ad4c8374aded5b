// SPDX-License-Identifier: Apache-2.0
package org.dropscope.names;

import java.util.Objects;

/**
 * What names one kernel text address, as the kernel's {@code %pS} says it: the function, its
 * module, the address's offset into the function and the function's size. There is no address
 * here: the asker has it (a drop's location, a stack's frame), and whoever answers needs none.
 *
 * @param name the symbol name as kallsyms prints it ({@code ip_rcv_finish_core.isra.0})
 * @param module the module without brackets, {@code null} for vmlinux
 * @param offset the address's offset into the symbol
 * @param size the symbol's extent (kallsyms has no sizes: the distance to the next symbol)
 */
public record Symbol(String name, String module, long offset, long size) {
    public Symbol {
        Objects.requireNonNull(name, "name");
    }

    /**
     * dropwatch's form: {@code name+offset}, the offset in lowercase hex without {@code 0x} (its
     * {@code "%s+%llx"}) and no module, as dropwatch prints none: {@code tcp_v4_rcv+163}.
     */
    public String dropwatch() {
        return name + '+' + Long.toHexString(offset);
    }

    /**
     * The function with its module in brackets, without a space so that it stays one word in a
     * column: {@code nft_do_chain[nf_tables]}; the name alone for vmlinux.
     */
    public String function() {
        return module == null ? name : name + '[' + module + ']';
    }
}
