// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.nio.charset.StandardCharsets;

/**
 * Kernel text symbols sorted by address, searched by binary search; immutable and thread-safe.
 *
 * <h2>What an index means</h2>
 * Entries are the distinct start addresses of text symbols, ascending (unsigned). An index from
 * {@link #indexOf(long)} is meaningful only for the table that returned it: a reload (see
 * {@link Symbolizer}) builds a new table with new indexes. The hot path can therefore count drops
 * per {@code int} index against one table and turn indexes into names later.
 *
 * <h2>Where a symbol ends</h2>
 * kallsyms has no sizes, so an entry's size is estimated when the table is built:
 * <ol>
 *   <li>the distance to the next distinct address in kallsyms, counting data symbols too (they
 *       never win a lookup, but a data object is not part of the function before it);</li>
 *   <li>at most a cap given to the parser (default {@link KallsymsParser#DEFAULT_MAX_SYMBOL_SIZE},
 *       64 KiB), so a PC in code kallsyms does not describe (an unlisted BPF program, a gap after
 *       {@code _etext}) resolves to nothing instead of the {@code __brk_limit+1e6c5938} dropwatch prints for it
 *       (it has no bound); the largest function in a 6.18 x86_64 vmlinux is about 20 KiB;</li>
 *   <li>for a module symbol inside the module's extent from /proc/modules, at most the end of that
 *       extent (see {@link ModuleList}); that ends the module's last symbol at the module
 *       boundary instead of at the next module's first symbol;</li>
 *   <li>the last symbol of the table gets the cap.</li>
 * </ol>
 * A PC resolves to entry {@code i} when {@code address(i) <= pc < address(i) + size(i)}.
 *
 * <p>Several names at one address are reduced to one when the table is built; the rule is in
 * {@link SymbolRank}.
 *
 * <h2>How it is held</h2>
 * A kernel has about 120,000 text symbols, and the table lives as long as dropscope does. Their
 * names are kept as UTF-8 bytes (ASCII in practice), one after the other in one array, and a name
 * becomes a {@code String} only when it is asked for; the module of each entry is a number into
 * one array of module names; addresses are 32-bit offsets from the first when they span less than
 * 4 GiB, as a kernel's do. That is about 35 bytes per symbol instead of about 90 with a
 * {@code String} per name. A 6.x kernel pads each function with a symbol {@code __pfx_NAME} just
 * before {@code NAME} (CONFIG_CALL_PADDING): about half of all text symbols; such an entry keeps
 * no bytes, only a flag, and its name is made from the next entry's. {@link #name(int)} keeps the
 * last names it made, per slot of a small
 * direct-mapped cache, so a name asked for again (the same drop site, event after event) is not
 * made again.
 */
public final class SymbolTable {
    /** Slots of {@link #recent}; a power of two. */
    private static final int RECENT = 1 << 10;
    /** The name of a function's padding symbol starts with this, followed by the function's name. */
    static final String PADDING_PREFIX = "__pfx_";
    /** Flag in {@link #type}: the entry's name is {@link #PADDING_PREFIX} and then the next entry's. */
    static final byte PADDING = (byte) 0x80;

    /** The first entry's address; with {@link #offset}, the others are this plus an unsigned 32-bit offset. */
    private final long base;
    /** Addresses as offsets from {@link #base} when all fit 32 bits (a kernel's text and modules span less than 4 GiB), else {@code null}. */
    private final int[] offset;
    /** Addresses as they are, when {@link #offset} cannot hold them; else {@code null}. */
    private final long[] wide;
    private final int count;
    private final int[] size;
    private final byte[] names;
    /** Entry {@code i}'s name is {@code names[nameStart[i], nameStart[i + 1])}. */
    private final int[] nameStart;
    /** Module names by number; number 0, {@code null}, is vmlinux. */
    private final String[] moduleNames;
    private final char[] module;
    /** The kallsyms type letter, with {@link #PADDING} for a padding symbol. */
    private final byte[] type;
    /** Names made lately, by index modulo {@link #RECENT}; racy but safe (final fields). */
    private final Named[] recent = new Named[RECENT];

    private record Named(int index, String name) {
    }

    /**
     * Takes ownership of the arrays, which must be sorted by unsigned address, without duplicates.
     *
     * @param names the names' UTF-8 bytes, back to back
     * @param nameStart where each entry's name starts in {@code names}, and one more: the end
     * @param moduleNames the module names (interned), {@code null} at number 0 (vmlinux)
     * @param module each entry's module number
     */
    SymbolTable(long[] addr, int[] size, byte[] names, int[] nameStart, String[] moduleNames, char[] module,
            byte[] type) {
        this.count = addr.length;
        this.base = count == 0 ? 0 : addr[0];
        boolean fits = count == 0 || Long.compareUnsigned(addr[count - 1] - base, 0xffffffffL) <= 0;
        if (fits) {
            offset = new int[count];
            for (int i = 0; i < count; i++) {
                offset[i] = (int) (addr[i] - base);
            }
            wide = null;
        } else {
            offset = null;
            wide = addr;
        }
        this.size = size;
        this.names = names;
        this.nameStart = nameStart;
        this.moduleNames = moduleNames;
        this.module = module;
        this.type = type;
    }

    /** The number of entries (distinct text symbol addresses). */
    public int size() {
        return count;
    }

    /**
     * The entry containing {@code pc}, or -1 when {@code pc} is below the first symbol, beyond the
     * end of the symbol at or below it, or the table is empty. Allocates nothing.
     */
    public int indexOf(long pc) {
        int last = count - 1;
        if (last < 0 || Long.compareUnsigned(pc, base) < 0) {
            return -1;
        }
        int i;
        if (Long.compareUnsigned(pc, address(last)) >= 0) {
            i = last;
        } else {
            // Invariant: address(lo) <= pc < address(hi).
            int lo = 0;
            int hi = last;
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(address(mid), pc) <= 0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            i = lo;
        }
        return Long.compareUnsigned(pc - address(i), size[i]) < 0 ? i : -1;
    }

    /** Start address of entry {@code idx}. */
    public long address(int idx) {
        return wide != null ? wide[idx] : base + (offset[idx] & 0xffffffffL);
    }

    /** Estimated size in bytes of entry {@code idx}; always between 1 and the cap the table was built with. */
    public long size(int idx) {
        return size[idx];
    }

    /** Name of entry {@code idx}; allocates nothing when it was asked for lately. */
    public String name(int idx) {
        int slot = idx & (RECENT - 1);
        Named n = recent[slot];
        if (n != null && n.index == idx) {
            return n.name;
        }
        String made = (type[idx] & PADDING) != 0 ? PADDING_PREFIX + name(idx + 1)
                : new String(names, nameStart[idx], nameStart[idx + 1] - nameStart[idx], StandardCharsets.UTF_8);
        recent[slot] = new Named(idx, made);
        return made;
    }

    /** Module of entry {@code idx} (interned), or {@code null} for vmlinux. */
    public String module(int idx) {
        return moduleNames[module[idx]];
    }

    /** The kallsyms type letter of entry {@code idx}: {@code T}, {@code t}, {@code W} or {@code w}. */
    public char type(int idx) {
        return (char) (type[idx] & ~PADDING);
    }

    /** Entry {@code idx} as a record. */
    public KernelSymbol symbol(int idx) {
        return new KernelSymbol(name(idx), module(idx), address(idx), size[idx]);
    }

    /** The symbol containing {@code pc}, or {@code null}. */
    public KernelSymbol resolve(long pc) {
        int idx = indexOf(pc);
        return idx < 0 ? null : symbol(idx);
    }

    /** How many bytes the table holds for its addresses (for tests: 4 a symbol when they span less than 4 GiB). */
    int addressBytes() {
        return wide != null ? 8 * count : 4 * count;
    }

    /** How many bytes of names the table holds (for tests: padding symbols hold none). */
    int nameBytes() {
        return names.length;
    }

    @Override
    public String toString() {
        return "SymbolTable[" + count + " symbols]";
    }
}
