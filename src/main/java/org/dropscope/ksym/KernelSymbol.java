// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.names.Symbol;

/**
 * One resolved kernel text symbol.
 *
 * @param name the symbol name as kallsyms prints it (e.g. {@code ip_rcv_finish_core.isra.0})
 * @param module the module name without brackets, {@code null} for vmlinux; pseudo-modules keep
 *     the name kallsyms shows ({@code bpf}, {@code __builtin__ftrace}, {@code __builtin__kprobes})
 * @param address the start address
 * @param size the extent of the symbol as {@link SymbolTable} estimates it (kallsyms carries no
 *     sizes): the distance to the next symbol, capped
 */
public record KernelSymbol(String name, String module, long address, long size) {
    /**
     * {@link #percentPS}'s form: name, offset, size, module. An offset or size is a u64, so 1 to 16
     * hex digits: a longer one is no %pS text (a damaged file's), not a number to overflow on.
     */
    private static final Pattern PERCENT_PS = Pattern.compile(
            "(\\S+)\\+0x([0-9a-f]{1,16})/0x([0-9a-f]{1,16})(?: \\[(\\S+)\\])?");

    public KernelSymbol {
        Objects.requireNonNull(name, "name");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + name);
        }
    }

    /** True when {@code address <= pc < address + size}, comparing as unsigned. */
    public boolean contains(long pc) {
        return Long.compareUnsigned(pc - address, size) < 0;
    }

    /**
     * The offset of {@code pc} into this symbol.
     *
     * @throws IllegalArgumentException if the symbol does not contain {@code pc}
     */
    public long offset(long pc) {
        if (!contains(pc)) {
            throw new IllegalArgumentException(String.format(
                    "pc 0x%x is outside %s [0x%x, +0x%x)", pc, name, address, size));
        }
        return pc - address;
    }

    /**
     * The form dropwatch 1.5 prints in summary mode: {@code name+offset} with the offset in
     * lowercase hex without {@code 0x} (its {@code "%s+%llx"}), e.g. {@code tcp_v4_rcv+163}.
     * No module name, as dropwatch prints none.
     */
    public String dropwatch(long pc) {
        return at(pc).dropwatch();
    }

    /**
     * What names {@code pc}: this symbol's name, module and size with {@code pc}'s offset, as the
     * naming service answers.
     *
     * @throws IllegalArgumentException if the symbol does not contain {@code pc}
     */
    public Symbol at(long pc) {
        return new Symbol(name, module, offset(pc), size);
    }

    /**
     * The kernel's {@code %pS} form from Documentation/core-api/printk-formats.rst:
     * {@code name+0xoffset/0xsize}, followed by {@code " [module]"} for a module symbol, e.g.
     * {@code versatile_init+0x0/0x110 [module_name]}. The kernel prints {@code %#lx}, which in its
     * vsprintf gives {@code 0x0} for a zero offset. The size is {@link SymbolTable}'s estimate,
     * which is the kernel's figure (distance to the next kallsyms address) except where the table
     * caps it.
     */
    public String percentPS(long pc) {
        String s = name + "+0x" + Long.toHexString(offset(pc)) + "/0x" + Long.toHexString(size);
        return module == null ? s : s + " [" + module + ']';
    }

    /**
     * The symbol a {@link #percentPS} text describes, given the address it was printed for:
     * {@code name+0xoff/0xsize} with an optional {@code " [module]"}, as NET_DM sends in
     * {@code NET_DM_ATTR_SYMBOL}. {@code null} when the text is not of that form (a number of more
     * than 16 hex digits included) or does not fit {@code pc} (an offset past the size): it comes
     * from a file or the kernel, so it never throws.
     */
    public static KernelSymbol ofPercentPS(String text, long pc) {
        if (text == null) {
            return null;
        }
        Matcher m = PERCENT_PS.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long offset = Long.parseUnsignedLong(m.group(2), 16);
        long size = Long.parseUnsignedLong(m.group(3), 16);
        if (size < 0 || Long.compareUnsigned(offset, size) >= 0) {
            return null;
        }
        return new KernelSymbol(m.group(1), m.group(4), pc - offset, size);
    }
}
