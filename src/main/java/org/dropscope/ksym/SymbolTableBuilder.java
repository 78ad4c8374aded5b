// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects kallsyms entries in input order and turns them into a {@link SymbolTable}: sort once,
 * reduce each address to one name, estimate sizes. Not thread-safe; used by one parse.
 *
 * <p>Entries are text symbols (with a name) or boundaries (data symbols: no name, they only end
 * the text symbol before them). Names are kept as bytes, one after the other in one array, and
 * modules by number ({@link #addModule}), so that a parse makes no object per symbol.
 */
final class SymbolTableBuilder {
    /** The module number of a vmlinux symbol. */
    static final int NO_MODULE = 0;
    /** The most module names a table holds (they are numbered in a {@code char}). */
    static final int MAX_MODULES = Character.MAX_VALUE;

    private static final char BOUNDARY = 0;
    private static final byte[] PADDING_PREFIX = SymbolTable.PADDING_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private long[] addr = new long[1 << 12];
    private char[] type = new char[1 << 12];
    private int[] nameStart = new int[1 << 12];
    private int[] nameLength = new int[1 << 12];
    private int[] module = new int[1 << 12];
    private byte[] names = new byte[1 << 16];
    private int nameBytes;
    private final List<String> modules = new ArrayList<>(List.of(""));
    private int count;
    private boolean sorted = true;

    /**
     * Adds a module name and returns its number, which {@link #addText} takes.
     *
     * @throws IllegalStateException beyond {@link #MAX_MODULES} names
     */
    int addModule(String name) {
        if (modules.size() > MAX_MODULES) {
            throw new IllegalStateException("more than " + MAX_MODULES + " module names");
        }
        modules.add(name.intern());
        return modules.size() - 1;
    }

    /** A text symbol whose name is {@code b[from, from + length)}, copied. */
    void addText(long address, char symbolType, byte[] b, int from, int length, int moduleNumber) {
        if (nameBytes + length > names.length) {
            names = Arrays.copyOf(names, Math.max(names.length * 2, nameBytes + length));
        }
        System.arraycopy(b, from, names, nameBytes, length);
        add(address, symbolType, nameBytes, length, moduleNumber);
        nameBytes += length;
    }

    void addBoundary(long address) {
        add(address, BOUNDARY, 0, 0, NO_MODULE);
    }

    private void add(long address, char t, int start, int length, int m) {
        if (count == addr.length) {
            int grown = count * 2;
            addr = Arrays.copyOf(addr, grown);
            type = Arrays.copyOf(type, grown);
            nameStart = Arrays.copyOf(nameStart, grown);
            nameLength = Arrays.copyOf(nameLength, grown);
            module = Arrays.copyOf(module, grown);
        }
        if (count > 0 && Long.compareUnsigned(addr[count - 1], address) > 0) {
            sorted = false;
        }
        addr[count] = address;
        type[count] = t;
        nameStart[count] = start;
        nameLength[count] = length;
        module[count] = m;
        count++;
    }

    private String name(int e) {
        return new String(names, nameStart[e], nameLength[e], StandardCharsets.UTF_8);
    }

    SymbolTable build(long maxSymbolSize, ModuleList modules) {
        if (maxSymbolSize <= 0 || maxSymbolSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxSymbolSize must be positive and fit an int: " + maxSymbolSize);
        }
        int[] order = sortedOrder();
        long[] outAddr = new long[count];
        int[] outSize = new int[count];
        int[] winner = new int[count];
        int out = 0;
        int pending = -1;
        int i = 0;
        while (i < count) {
            long a = addr[order[i]];
            int best = -1;
            String bestName = null;
            for (; i < count && addr[order[i]] == a; i++) {
                int e = order[i];
                if (type[e] == BOUNDARY) {
                    continue;
                }
                if (best < 0) {
                    best = e;
                    continue;
                }
                // Several names at one address (about 150 in a kernel): only these become Strings.
                bestName = bestName != null ? bestName : name(best);
                String n = name(e);
                if (SymbolRank.compare(type[e], n, type[best], bestName) < 0) {
                    best = e;
                    bestName = n;
                }
            }
            if (pending >= 0) {
                long gap = a - outAddr[pending];
                outSize[pending] = (int) (Long.compareUnsigned(gap, maxSymbolSize) < 0 ? gap : maxSymbolSize);
                pending = -1;
            }
            if (best >= 0) {
                outAddr[out] = a;
                winner[out] = best;
                pending = out++;
            }
        }
        if (pending >= 0) {
            outSize[pending] = (int) maxSymbolSize;
        }
        byte[] outType = new byte[out];
        char[] outModule = new char[out];
        int outNameBytes = 0;
        for (int k = 0; k < out; k++) {
            int e = winner[k];
            outType[k] = (byte) type[e];
            outModule[k] = (char) module[e];
            if (k + 1 < out && isPaddingOf(e, winner[k + 1])) {
                outType[k] |= SymbolTable.PADDING;
            } else {
                outNameBytes += nameLength[e];
            }
        }
        byte[] outNames = new byte[outNameBytes];
        int[] outNameStart = new int[out + 1];
        for (int k = 0; k < out; k++) {
            int e = winner[k];
            int length = (outType[k] & SymbolTable.PADDING) != 0 ? 0 : nameLength[e];
            System.arraycopy(names, nameStart[e], outNames, outNameStart[k], length);
            outNameStart[k + 1] = outNameStart[k] + length;
        }
        String[] moduleNames = this.modules.toArray(new String[0]);
        moduleNames[NO_MODULE] = null;
        clampToModuleExtents(outAddr, outSize, outModule, moduleNames, out, modules);
        return new SymbolTable(Arrays.copyOf(outAddr, out), Arrays.copyOf(outSize, out), outNames, outNameStart,
                moduleNames, outModule, outType);
    }

    /**
     * Whether entry {@code e} is named {@code __pfx_} and then entry {@code next}'s name: the
     * padding the kernel puts before each function (CONFIG_CALL_PADDING, about half of a 6.x
     * kernel's text symbols), whose name the table then keeps as a flag.
     */
    private boolean isPaddingOf(int e, int next) {
        int prefix = PADDING_PREFIX.length;
        return nameLength[e] == prefix + nameLength[next]
                && Arrays.equals(names, nameStart[e], nameStart[e] + prefix, PADDING_PREFIX, 0, prefix)
                && Arrays.equals(names, nameStart[e] + prefix, nameStart[e] + nameLength[e],
                        names, nameStart[next], nameStart[next] + nameLength[next]);
    }

    /**
     * Ends module symbols at the end of the module's extent. Only symbols inside the extent are
     * touched: a module's {@code __init} text (listed while it is {@code Loading}) lives elsewhere.
     */
    private static void clampToModuleExtents(long[] a, int[] size, char[] mod, String[] moduleNames, int n,
            ModuleList modules) {
        if (modules.modules().isEmpty()) {
            return;
        }
        ModuleList.Module extent = null;
        for (int i = 0; i < n; i++) {
            String name = moduleNames[mod[i]];
            if (name == null) {
                continue;
            }
            if (extent == null || !extent.name().equals(name)) {
                extent = modules.find(name);
                if (extent == null) {
                    continue;
                }
            }
            if (extent.covers(a[i])) {
                long left = extent.address() + extent.size() - a[i];
                if (Long.compareUnsigned(left, size[i]) < 0) {
                    size[i] = (int) left;
                }
            }
        }
    }

    /** Entry indexes by unsigned address; ties keep input order. */
    private int[] sortedOrder() {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        if (!sorted) {
            // Unsigned order == signed order of the values with the sign bit flipped.
            long[] key = new long[count];
            for (int i = 0; i < count; i++) {
                key[i] = addr[i] ^ Long.MIN_VALUE;
            }
            mergeSort(order, new int[count], key, 0, count);
        }
        return order;
    }

    /** Stable merge sort of {@code order[from, to)} by {@code key}; {@code tmp} is scratch space. */
    private static void mergeSort(int[] order, int[] tmp, long[] key, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(order, tmp, key, from, mid);
        mergeSort(order, tmp, key, mid, to);
        if (key[order[mid - 1]] <= key[order[mid]]) {
            return;
        }
        System.arraycopy(order, from, tmp, from, to - from);
        int l = from;
        int r = mid;
        for (int k = from; k < to; k++) {
            if (r >= to || (l < mid && key[tmp[l]] <= key[tmp[r]])) {
                order[k] = tmp[l++];
            } else {
                order[k] = tmp[r++];
            }
        }
    }
}
