// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The loaded modules as /proc/modules lists them (proc(5), lsmod(8)).
 *
 * <p>Each line is {@code name size refcount deps state address [taints]}, e.g.
 * {@code veth 45056 0 - Live 0xffffffffc0a3c000 (E)}, written by {@code m_show()} in
 * kernel/module/procfs.c. Two facts matter here:
 * <ul>
 *   <li>{@code address} is the base of the module's text and {@code size} the total of its
 *       memory; text comes first (before 6.4 in one allocation with rodata and data, since 6.4
 *       in a separate one), so {@code [address, address + size)} is an upper bound for the
 *       module's core text. {@link SymbolTable} uses it to end a module's last symbol.</li>
 *   <li>{@code address} is printed through the same kptr_restrict check as kallsyms and reads
 *       {@code 0x0000000000000000} for an unprivileged reader; such extents are ignored.</li>
 * </ul>
 *
 * <p>Equality compares name, size, state and address, not the reference count or the users:
 * those change whenever a socket or netfilter rule takes a reference, while kallsyms changes only
 * when a module is loaded, unloaded, or leaves the {@code Loading} state (its {@code __init}
 * symbols disappear then). {@link Symbolizer} compares lists to decide whether to reload.
 *
 * <p>Instances are immutable.
 */
public final class ModuleList {
    /** No module information: the kernel has no /proc/modules (CONFIG_MODULES=n) or none was read. */
    public static final ModuleList NONE = new ModuleList(List.of());

    private final List<Module> modules;
    private final Map<String, Module> byName;

    /**
     * One /proc/modules line, without the fields that change while the module stays loaded.
     *
     * @param name module name, as in kallsyms' {@code [name]} suffix
     * @param size total size in bytes of the module's memory
     * @param state {@code Live}, {@code Loading} or {@code Unloading}
     * @param address base of the module's text, 0 when hidden by kptr_restrict
     */
    public record Module(String name, long size, String state, long address) {
        /** True when {@code pc} lies in {@code [address, address + size)}; never for a hidden address. */
        public boolean covers(long pc) {
            return address != 0 && Long.compareUnsigned(pc - address, size) < 0;
        }
    }

    private ModuleList(List<Module> modules) {
        this.modules = Collections.unmodifiableList(modules);
        Map<String, Module> map = new HashMap<>();
        for (Module m : modules) {
            map.put(m.name(), m);
        }
        this.byName = map;
    }

    /** Builds a list from already parsed entries (tests, replayed recordings). */
    public static ModuleList of(List<Module> modules) {
        return modules.isEmpty() ? NONE : new ModuleList(new ArrayList<>(modules));
    }

    /**
     * Parses /proc/modules content. The reader is not closed.
     *
     * @throws IOException if reading fails or a line has fewer than six fields or bad numbers
     */
    public static ModuleList parse(Reader in) throws IOException {
        BufferedReader r = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in);
        List<Module> list = new ArrayList<>();
        int lineNumber = 0;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" +");
            if (f.length < 6) {
                throw new IOException("/proc/modules line " + lineNumber
                        + ": expected name size refcount deps state address: \"" + line + "\"");
            }
            try {
                long size = Long.parseLong(f[1]);
                String hex = f[5].startsWith("0x") ? f[5].substring(2) : f[5];
                long address = Long.parseUnsignedLong(hex, 16);
                list.add(new Module(f[0], size, f[4], address));
            } catch (NumberFormatException e) {
                throw new IOException("/proc/modules line " + lineNumber + ": bad size or address: \""
                        + line + "\"", e);
            }
        }
        return of(list);
    }

    /** The modules in /proc/modules order (most recently loaded first). */
    public List<Module> modules() {
        return modules;
    }

    /** The module of that name, or {@code null}. */
    public Module find(String name) {
        return byName.get(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModuleList && ((ModuleList) o).byName.equals(byName);
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }

    @Override
    public String toString() {
        return "ModuleList" + modules;
    }
}
