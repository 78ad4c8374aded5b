// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.util.Arrays;

/**
 * Collects kallsyms entries in input order and turns them into a {@link SymbolTable}: sort once,
 * reduce each address to one name, estimate sizes. Not thread-safe; used by one parse.
 *
 * <p>Entries are text symbols (with a name) or boundaries (data symbols: no name, they only end
 * the text symbol before them).
 */
final class SymbolTableBuilder {
    private static final char BOUNDARY = 0;

    private long[] addr = new long[1 << 12];
    private char[] type = new char[1 << 12];
    private String[] name = new String[1 << 12];
    private String[] module = new String[1 << 12];
    private int count;
    private boolean sorted = true;

    void addText(long address, char symbolType, String symbolName, String moduleName) {
        add(address, symbolType, symbolName, moduleName);
    }

    void addBoundary(long address) {
        add(address, BOUNDARY, null, null);
    }

    private void add(long address, char t, String n, String m) {
        if (count == addr.length) {
            int grown = count * 2;
            addr = Arrays.copyOf(addr, grown);
            type = Arrays.copyOf(type, grown);
            name = Arrays.copyOf(name, grown);
            module = Arrays.copyOf(module, grown);
        }
        if (count > 0 && Long.compareUnsigned(addr[count - 1], address) > 0) {
            sorted = false;
        }
        addr[count] = address;
        type[count] = t;
        name[count] = n;
        module[count] = m;
        count++;
    }

    SymbolTable build(long maxSymbolSize, ModuleList modules) {
        if (maxSymbolSize <= 0) {
            throw new IllegalArgumentException("maxSymbolSize must be positive: " + maxSymbolSize);
        }
        int[] order = sortedOrder();
        long[] outAddr = new long[count];
        long[] outSize = new long[count];
        String[] outName = new String[count];
        String[] outModule = new String[count];
        char[] outType = new char[count];
        int out = 0;
        int pending = -1;
        int i = 0;
        while (i < count) {
            long a = addr[order[i]];
            int best = -1;
            for (; i < count && addr[order[i]] == a; i++) {
                int e = order[i];
                if (type[e] != BOUNDARY
                        && (best < 0 || SymbolRank.compare(type[e], name[e], type[best], name[best]) < 0)) {
                    best = e;
                }
            }
            if (pending >= 0) {
                long gap = a - outAddr[pending];
                outSize[pending] = Long.compareUnsigned(gap, maxSymbolSize) < 0 ? gap : maxSymbolSize;
                pending = -1;
            }
            if (best >= 0) {
                outAddr[out] = a;
                outName[out] = name[best];
                outModule[out] = module[best];
                outType[out] = type[best];
                pending = out++;
            }
        }
        if (pending >= 0) {
            outSize[pending] = maxSymbolSize;
        }
        clampToModuleExtents(outAddr, outSize, outModule, out, modules);
        return new SymbolTable(Arrays.copyOf(outAddr, out), Arrays.copyOf(outSize, out),
                Arrays.copyOf(outName, out), Arrays.copyOf(outModule, out), Arrays.copyOf(outType, out));
    }

    /**
     * Ends module symbols at the end of the module's extent. Only symbols inside the extent are
     * touched: a module's {@code __init} text (listed while it is {@code Loading}) lives elsewhere.
     */
    private static void clampToModuleExtents(long[] a, long[] size, String[] mod, int n, ModuleList modules) {
        if (modules.modules().isEmpty()) {
            return;
        }
        ModuleList.Module extent = null;
        for (int i = 0; i < n; i++) {
            if (mod[i] == null) {
                continue;
            }
            if (extent == null || !extent.name().equals(mod[i])) {
                extent = modules.find(mod[i]);
                if (extent == null) {
                    continue;
                }
            }
            if (extent.covers(a[i])) {
                long left = extent.address() + extent.size() - a[i];
                if (Long.compareUnsigned(left, size[i]) < 0) {
                    size[i] = left;
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
