// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reload path with fake suppliers: the "machine" starts without br_netfilter and loads it
 * later; the fixture files give the before and after contents.
 */
class SymbolizerTest {
    private static final long SECOND = Symbolizer.RECHECK_INTERVAL_NANOS;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final AtomicInteger kallsymsOpens = new AtomicInteger();
    private final AtomicInteger modulesOpens = new AtomicInteger();
    private volatile String kallsyms;
    private volatile String modules;
    private volatile IOException kallsymsFailure;

    private String allKallsyms;
    private String allModules;
    private Fixtures.Line late;

    @BeforeEach
    void machineWithoutBrNetfilter() {
        allKallsyms = Fixtures.text("with-modules.txt");
        allModules = Fixtures.text("with-modules.modules");
        kallsyms = withoutModule(allKallsyms, "br_netfilter");
        modules = Arrays.stream(allModules.split("\n")).filter(l -> !l.startsWith("br_netfilter "))
                .collect(Collectors.joining("\n", "", "\n"));
        late = Fixtures.lines("with-modules.txt").stream()
                .filter(l -> "br_netfilter".equals(l.module()) && !l.name().startsWith("__pfx_"))
                .findFirst().orElseThrow();
    }

    private static String withoutModule(String text, String module) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.endsWith("\t[" + module + "]"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private Symbolizer symbolizer() throws IOException {
        return new Symbolizer(() -> {
            kallsymsOpens.incrementAndGet();
            if (kallsymsFailure != null) {
                throw kallsymsFailure;
            }
            return new StringReader(kallsyms);
        }, () -> {
            modulesOpens.incrementAndGet();
            return modules == null ? null : new StringReader(modules);
        }, () -> 0, clock::get);
    }

    private void loadBrNetfilter() {
        kallsyms = allKallsyms;
        modules = allModules;
    }

    @Test
    void reloadsKallsymsOnlyWhenModulesChangedAndAtMostOncePerSecond() throws IOException {
        Symbolizer s = symbolizer();
        SymbolTable first = s.table();
        long pc = late.address() + 0x10;
        assertEquals(1, kallsymsOpens.get());
        assertEquals(1, modulesOpens.get());

        assertNull(s.resolve(pc), "module not loaded yet");
        assertEquals(1, modulesOpens.get(), "no re-read within a second of loading");

        clock.addAndGet(SECOND);
        assertNull(s.percentPS(pc));
        assertEquals(2, modulesOpens.get(), "a miss re-reads /proc/modules");
        assertEquals(1, kallsymsOpens.get(), "unchanged modules: kallsyms not re-read");

        loadBrNetfilter();
        clock.addAndGet(SECOND / 2);
        assertNull(s.dropwatch(pc));
        assertEquals(2, modulesOpens.get(), "still within the second");

        clock.addAndGet(SECOND / 2);
        KernelSymbol k = s.resolve(pc);
        assertNotNull(k);
        assertEquals(late.name(), k.name());
        assertEquals("br_netfilter", k.module());
        assertEquals(3, modulesOpens.get());
        assertEquals(2, kallsymsOpens.get());
        assertEquals(1, s.reloads());
        assertNotSame(first, s.table());
        assertEquals(k.percentPS(pc), s.percentPS(pc));
        assertEquals(k.dropwatch(pc), s.dropwatch(pc));
    }

    /** A filter asks name() per event on a reader thread: it answers from the table as it is. */
    @Test
    void nameNeverReloads() throws IOException {
        Symbolizer s = symbolizer();
        long pc = late.address() + 0x10;
        loadBrNetfilter();
        clock.addAndGet(10 * SECOND);
        assertNull(s.name(pc));
        assertEquals(1, modulesOpens.get(), "/proc/modules not read");
        assertNotNull(s.resolve(pc), "the views' question reloads");
        assertEquals(late.name(), s.name(pc), "and name() then answers from the new table");
    }

    @Test
    void referenceCountChangesDoNotReload() throws IOException {
        Symbolizer s = symbolizer();
        String before = modules;
        modules = modules.replace("nf_tables 16384 1 ", "nf_tables 16384 7 ");
        assertNotEquals(before, modules, "the fixture line has a reference count of 1");
        clock.addAndGet(SECOND);
        assertNull(s.resolve(late.address()));
        assertEquals(2, modulesOpens.get());
        assertEquals(1, kallsymsOpens.get());
        assertEquals(0, s.reloads());
    }

    @Test
    void hitsAreCachedAndTouchNoSupplier() throws IOException {
        Symbolizer s = symbolizer();
        Fixtures.Line udp = Fixtures.lines("with-modules.txt").stream()
                .filter(l -> l.name().equals("__udp4_lib_rcv")).findFirst().orElseThrow();
        long pc = udp.address() + 0x2a;
        String first = s.percentPS(pc);
        clock.addAndGet(10 * SECOND);
        for (int i = 0; i < 100; i++) {
            assertSame(first, s.percentPS(pc));
        }
        assertEquals("__udp4_lib_rcv+0x2a/0x" + Long.toHexString(s.table().resolve(pc).size()), first);
        assertEquals("__udp4_lib_rcv+2a", s.dropwatch(pc));
        assertEquals(1, modulesOpens.get());
        assertEquals(1, kallsymsOpens.get());
    }

    @Test
    void failedReloadKeepsTheOldTableAndTriesAgainLater() throws IOException {
        Symbolizer s = symbolizer();
        SymbolTable first = s.table();
        loadBrNetfilter();
        kallsymsFailure = new IOException("simulated read error");
        clock.addAndGet(SECOND);
        assertNull(s.resolve(late.address()));
        assertSame(first, s.table());
        assertSame(kallsymsFailure, s.lastReloadFailure());

        kallsymsFailure = null;
        clock.addAndGet(SECOND);
        assertEquals(late.name(), s.resolve(late.address()).name());
        assertNull(s.lastReloadFailure());
    }

    @Test
    void withoutProcModulesNothingIsReloaded() throws IOException {
        modules = null;
        Symbolizer s = symbolizer();
        kallsyms = allKallsyms;
        clock.addAndGet(SECOND);
        assertNull(s.resolve(late.address()));
        assertEquals(1, kallsymsOpens.get());
        assertEquals(0, s.reloads());
    }

    @Test
    void pcZeroNeverResolvesAndNeverTriggersAReload() throws IOException {
        Symbolizer s = symbolizer();
        loadBrNetfilter();
        clock.addAndGet(SECOND);
        assertNull(s.resolve(0));
        assertNull(s.dropwatch(0));
        assertEquals(1, modulesOpens.get());
        assertEquals(late.name(), s.resolve(late.address()).name(), "a real miss still reloads");
    }

    @Test
    void savedFilesExplainHiddenAddressesWithoutGuessingKptrRestrict() {
        String zeros = Fixtures.text("kptr-restricted-all-zero.txt");
        KallsymsUnavailableException e = assertThrows(KallsymsUnavailableException.class,
                () -> new Symbolizer(() -> new StringReader(zeros), () -> null));
        assertTrue(e.getMessage().contains("kallsyms shows only zero addresses"), e.getMessage());
        assertTrue(!e.getMessage().contains("kptr_restrict="), e.getMessage());
    }

    @Test
    void firstLoadFailuresPropagate() {
        kallsyms = Fixtures.text("kptr-restricted-all-zero.txt");
        KallsymsUnavailableException e = assertThrows(KallsymsUnavailableException.class, this::symbolizer);
        assertTrue(e.getMessage().contains("kernel.kptr_restrict=0"), e.getMessage());
    }

    @Test
    void concurrentLookupsDuringAReloadSeeOneReloadAndNoWrongAnswer() throws Exception {
        Symbolizer s = symbolizer();
        List<Fixtures.Line> vmlinux = Fixtures.lines("with-modules.txt").stream()
                .filter(l -> l.isText() && l.module() == null).collect(Collectors.toList());
        loadBrNetfilter();
        clock.addAndGet(SECOND);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                for (int round = 0; round < 2_000; round++) {
                    for (Fixtures.Line l : vmlinux) {
                        KernelSymbol k = s.resolve(l.address());
                        if (k == null || !k.name().equals(l.name())) {
                            return "wrong answer for " + l.name() + ": " + k;
                        }
                    }
                    if (s.resolve(late.address()) != null && !late.name().equals(s.resolve(late.address()).name())) {
                        return "wrong module symbol";
                    }
                }
                return "ok";
            }));
        }
        start.countDown();
        for (Future<String> f : results) {
            assertEquals("ok", f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals(late.name(), s.resolve(late.address()).name());
        assertEquals(1, s.reloads());
        assertEquals(2, kallsymsOpens.get());
    }
}
