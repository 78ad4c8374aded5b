// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Turns drop PCs into names for the views; thread-safe. Not meant for the per-event hot path,
 * which should keep {@link SymbolTable#indexOf(long)} results from {@link #table()}.
 *
 * <h2>Reloading</h2>
 * kallsyms changes when a module is loaded or unloaded. When a PC does not resolve, the
 * symbolizer re-reads the module list, at most once per second, and if it differs from the one
 * the table was built with (see {@link ModuleList#equals}) it reloads kallsyms and tries again.
 * Each reload installs a new {@link SymbolTable} with new indexes and an empty cache. A failed
 * reload keeps the old table; {@link #lastReloadFailure()} tells why.
 *
 * <p>Limits: a PC that still resolves against the old table is not rechecked, so a module
 * unloaded and replaced at the same address shows old names until some other PC misses. BPF
 * programs come and go without touching /proc/modules, so they do not trigger a reload.
 *
 * <h2>Caching</h2>
 * Resolved PCs are cached with their formatted strings (at most {@value #MAX_CACHED} per table;
 * drop sites number in the hundreds). Unresolved PCs are not cached: each miss may be the one
 * that finds a new module.
 */
public final class Symbolizer {
    /** Opens a fresh reader on each call; may return {@code null} for "does not exist". */
    @FunctionalInterface
    public interface ReaderSupplier {
        Reader open() throws IOException;
    }

    /** Opens a fresh stream on each call; may return {@code null} for "does not exist". */
    @FunctionalInterface
    public interface StreamSupplier {
        InputStream open() throws IOException;
    }

    static final long RECHECK_INTERVAL_NANOS = 1_000_000_000L;
    static final int MAX_CACHED = 1 << 16;

    private final StreamSupplier kallsyms;
    private final ReaderSupplier modules;
    private final IntSupplier kptrRestrict;
    private final LongSupplier nanoClock;
    private final Object reloadLock = new Object();

    private volatile State state;
    private volatile long lastCheckNanos;
    private volatile IOException lastReloadFailure;
    /** Written only under {@link #reloadLock}. */
    private volatile int reloads;

    /** A table, the module list it was built with, and its cache. */
    private record State(SymbolTable table, ModuleList modules, ConcurrentHashMap<Long, Resolved> cache) {
        State(SymbolTable table, ModuleList modules) {
            this(table, modules, new ConcurrentHashMap<>());
        }
    }

    private record Resolved(KernelSymbol symbol, String dropwatch, String percentPS) {
    }

    /**
     * Loads the first table now.
     *
     * @param kallsyms opens kallsyms text, as bytes
     * @param modules opens /proc/modules text, or returns {@code null} if there is none
     * @param kptrRestrict the current kptr_restrict, to explain hidden addresses
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @throws IOException if the first load fails; see {@link KallsymsParser#parse(InputStream, int, ModuleList)}
     */
    public Symbolizer(StreamSupplier kallsyms, ReaderSupplier modules, IntSupplier kptrRestrict,
            LongSupplier nanoClock) throws IOException {
        this.kallsyms = Objects.requireNonNull(kallsyms, "kallsyms");
        this.modules = Objects.requireNonNull(modules, "modules");
        this.kptrRestrict = Objects.requireNonNull(kptrRestrict, "kptrRestrict");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        ModuleList current = readModules();
        this.state = new State(readKallsyms(current), current);
        this.lastCheckNanos = nanoClock.getAsLong();
    }

    /**
     * A symbolizer over readers whose kptr_restrict is not known (saved files), on
     * {@link System#nanoTime()}.
     */
    public Symbolizer(ReaderSupplier kallsyms, ReaderSupplier modules) throws IOException {
        this(encoded(kallsyms), modules, () -> KallsymsParser.KPTR_RESTRICT_UNKNOWN, System::nanoTime);
    }

    /**
     * A symbolizer over kallsyms as characters (a saved file, a test's text), encoded to UTF-8 for
     * the parser.
     */
    public Symbolizer(ReaderSupplier kallsyms, ReaderSupplier modules, IntSupplier kptrRestrict,
            LongSupplier nanoClock) throws IOException {
        this(encoded(kallsyms), modules, kptrRestrict, nanoClock);
    }

    private static StreamSupplier encoded(ReaderSupplier kallsyms) {
        Objects.requireNonNull(kallsyms, "kallsyms");
        return () -> {
            Reader r = kallsyms.open();
            return r == null ? null : new Utf8Stream(r);
        };
    }

    /** The production symbolizer over /proc; see {@link Kallsyms}. */
    public static Symbolizer fromProc() throws IOException {
        return Kallsyms.symbolizer();
    }

    /** The current table. Indexes from it stay valid for that table only. */
    public SymbolTable table() {
        return state.table;
    }

    /** The symbol containing {@code pc}, or {@code null}. */
    public KernelSymbol resolve(long pc) {
        Resolved r = lookup(pc);
        return r == null ? null : r.symbol;
    }

    /**
     * The name of the symbol containing {@code pc} in the current table, or {@code null}: no cache,
     * no reload and no allocation, for what is asked per event (a filter's symbol term).
     */
    public String name(long pc) {
        SymbolTable t = state.table;
        int i = t.indexOf(pc);
        return i < 0 ? null : t.name(i);
    }

    /** dropwatch's {@code sym+hexoff} (see {@link KernelSymbol#dropwatch}), or {@code null}. */
    public String dropwatch(long pc) {
        Resolved r = lookup(pc);
        return r == null ? null : r.dropwatch;
    }

    /** The kernel's {@code %pS} form (see {@link KernelSymbol#percentPS}), or {@code null}. */
    public String percentPS(long pc) {
        Resolved r = lookup(pc);
        return r == null ? null : r.percentPS;
    }

    /** How many times kallsyms has been reloaded since construction. */
    public int reloads() {
        return reloads;
    }

    /** Why the last reload attempt failed, or {@code null} if it did not. */
    public IOException lastReloadFailure() {
        return lastReloadFailure;
    }

    private Resolved lookup(long pc) {
        State s = state;
        Resolved r = s.cache.get(pc);
        if (r != null) {
            return r;
        }
        int idx = s.table.indexOf(pc);
        if (idx < 0) {
            if (pc == 0) {
                // NET_DM reports PC 0 for "a device's rx_dropped rose": no module can explain it.
                return null;
            }
            s = reloadIfModulesChanged(s);
            idx = s.table.indexOf(pc);
            if (idx < 0) {
                return null;
            }
        }
        KernelSymbol sym = s.table.symbol(idx);
        r = new Resolved(sym, sym.dropwatch(pc), sym.percentPS(pc));
        if (s.cache.size() < MAX_CACHED) {
            s.cache.putIfAbsent(pc, r);
        }
        return r;
    }

    private State reloadIfModulesChanged(State seen) {
        if (nanoClock.getAsLong() - lastCheckNanos < RECHECK_INTERVAL_NANOS) {
            return state;
        }
        synchronized (reloadLock) {
            State now = state;
            long t = nanoClock.getAsLong();
            if (now != seen || t - lastCheckNanos < RECHECK_INTERVAL_NANOS) {
                return now;
            }
            lastCheckNanos = t;
            try {
                ModuleList current = readModules();
                if (current.equals(now.modules)) {
                    return now;
                }
                State reloaded = new State(readKallsyms(current), current);
                state = reloaded;
                reloads++;
                lastReloadFailure = null;
                return reloaded;
            } catch (IOException e) {
                lastReloadFailure = e;
                return now;
            }
        }
    }

    private ModuleList readModules() throws IOException {
        try (Reader r = modules.open()) {
            return r == null ? ModuleList.NONE : ModuleList.parse(r);
        }
    }

    private SymbolTable readKallsyms(ModuleList current) throws IOException {
        try (InputStream in = kallsyms.open()) {
            if (in == null) {
                throw new KallsymsUnavailableException("cannot read kernel symbols: no kallsyms input");
            }
            return KallsymsParser.parse(in, kptrRestrict.getAsInt(), current);
        }
    }
}
