// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

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
 */
public final class SymbolTable {
    private final long[] addr;
    private final long[] size;
    private final String[] name;
    private final String[] module;
    private final char[] type;

    /** Takes ownership of the arrays, which must be sorted by unsigned address, without duplicates. */
    SymbolTable(long[] addr, long[] size, String[] name, String[] module, char[] type) {
        this.addr = addr;
        this.size = size;
        this.name = name;
        this.module = module;
        this.type = type;
    }

    /** The number of entries (distinct text symbol addresses). */
    public int size() {
        return addr.length;
    }

    /**
     * The entry containing {@code pc}, or -1 when {@code pc} is below the first symbol, beyond the
     * end of the symbol at or below it, or the table is empty. Allocates nothing.
     */
    public int indexOf(long pc) {
        int last = addr.length - 1;
        if (last < 0 || Long.compareUnsigned(pc, addr[0]) < 0) {
            return -1;
        }
        int i;
        if (Long.compareUnsigned(pc, addr[last]) >= 0) {
            i = last;
        } else {
            // Invariant: addr[lo] <= pc < addr[hi].
            int lo = 0;
            int hi = last;
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(addr[mid], pc) <= 0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            i = lo;
        }
        return Long.compareUnsigned(pc - addr[i], size[i]) < 0 ? i : -1;
    }

    /** Start address of entry {@code idx}. */
    public long address(int idx) {
        return addr[idx];
    }

    /** Estimated size in bytes of entry {@code idx}; always between 1 and the cap the table was built with. */
    public long size(int idx) {
        return size[idx];
    }

    /** Name of entry {@code idx}. */
    public String name(int idx) {
        return name[idx];
    }

    /** Module of entry {@code idx} (interned), or {@code null} for vmlinux. */
    public String module(int idx) {
        return module[idx];
    }

    /** The kallsyms type letter of entry {@code idx}: {@code T}, {@code t}, {@code W} or {@code w}. */
    public char type(int idx) {
        return type[idx];
    }

    /** Entry {@code idx} as a record. */
    public KernelSymbol symbol(int idx) {
        return new KernelSymbol(name[idx], module[idx], addr[idx], size[idx]);
    }

    /** The symbol containing {@code pc}, or {@code null}. */
    public KernelSymbol resolve(long pc) {
        int idx = indexOf(pc);
        return idx < 0 ? null : symbol(idx);
    }

    @Override
    public String toString() {
        return "SymbolTable[" + addr.length + " symbols]";
    }
}
