// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.dropscope.names.DropNames;
import org.dropscope.source.DropSource;
import org.dropscope.source.SourceException;
import org.dropscope.testing.FakeSource;
import org.dropscope.testing.HostileText;
import org.dropscope.view.Printable;
import org.junit.jupiter.api.Test;

class ShellTest {
    private static final Function<DropSource, DropNames> NAMES = FakeSource.udpNames(FakeSource.PC);
    private static final Shell.Settings SETTINGS = new Shell.Settings("fake", "kas", 50);

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Shell shell(Shell.Input in, FakeSource src) {
        return new Shell(in, new PrintWriter(out), new PrintWriter(err), () -> src, null, NAMES, SETTINGS);
    }

    private static Shell.Input piped(String text) {
        BufferedReader r = new BufferedReader(new StringReader(text));
        return prompt -> r.readLine();
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    @Test
    void dropwatchsOwnTestScriptGivesDropwatchsLines() throws Exception {
        FakeSource src = new FakeSource(5, 0, 0);
        ShellEnd end = shell(piped("set alertlimit 1\nstart\nstop\nexit\n"), src).run();
        assertEquals(ShellEnd.EXITED, end);
        assertEquals(List.of(
                "setting alert capture limit to 1",
                "Enabling monitoring...",
                "Kernel monitoring activated.",
                "Issue Ctrl-C to stop monitoring",
                "5 drops at __udp4_lib_rcv+9a2 (0xffffffff81c3a9a2) [software] reason: NO_SOCKET",
                "Alert limit reached, deactivating!",
                "Deactivation requested, turning off monitoring",
                "Got a stop message",
                "Deactivation requested, turning off monitoring",
                "Got a stop message",
                "Shutting down ..."), lines());
        assertEquals(1, src.stops.get());
        assertEquals(1, src.closes.get());
    }

    @Test
    void stopWhileMonitoringDeliversTheLastPartialIntervalAndStatsCountIt() throws Exception {
        FakeSource src = new FakeSource(5, 2);
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Shell sh = shell(queueInput(q), src);
        q.add("start");
        Shell running = sh;
        Thread t = new Thread(() -> {
            try {
                running.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        waitFor("5 drops at __udp4_lib_rcv+9a2");
        q.add("stop");
        q.add("stats");
        q.add("exit");
        t.join(10_000);
        List<String> l = lines();
        assertTrue(l.contains("2 drops at __udp4_lib_rcv+9b2 (0xffffffff81c3a9b2) [software] reason: NO_SOCKET")
                || l.contains("2 drops at location 0xffffffff81c3a9b2 [software] reason: NO_SOCKET"), l.toString());
        assertTrue(l.contains("all                 7              4"), l.toString());
        // A session that missed drops says so when it ends, not only in stats.
        assertEquals("Lost 4 drop events in this session: the kernel could not deliver them (stats shows where)",
                l.get(l.indexOf("Got a stop message") + 1));
        assertTrue(l.contains("malformed samples: 0"), l.toString());
        assertEquals("Shutting down ...", l.get(l.size() - 1));
        assertEquals(1, src.closes.get());
    }

    private static Shell.Input queueInput(BlockingQueue<String> q) {
        return prompt -> {
            try {
                String s = q.take();
                return s.equals("<eof>") ? null : s;
            } catch (InterruptedException e) {
                return null;
            }
        };
    }

    @Test
    void endOfInputWhileMonitoringKeepsMonitoringUntilInterrupted() throws Exception {
        FakeSource src = new FakeSource(1, 0);
        Shell sh = shell(piped("start\n"), src);
        Thread t = new Thread(() -> {
            try {
                sh.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        waitFor("1 drops at");
        assertTrue(t.isAlive(), "EOF must not end monitoring");
        assertEquals(0, src.stops.get());
        assertTrue(sh.interrupt());
        t.join(10_000);
        List<String> l = lines();
        assertEquals("Terminating dropscope...", l.get(l.size() - 1));
        assertEquals(1, src.stops.get());
        assertEquals(1, src.closes.get());
    }

    /**
     * {@code printf 'start\n' | dropscope | head}: once standard output cannot be written, monitoring
     * ends and the shell with it, instead of monitoring for nobody until Ctrl-C.
     */
    @Test
    void endOfInputWhileMonitoringEndsOnceStandardOutputFails() throws Exception {
        FakeSource src = new FakeSource(1, 0);
        PrintWriter gone = new PrintWriter(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        });
        Shell sh = new Shell(piped("start\n"), gone, new PrintWriter(err), () -> src, null, NAMES, SETTINGS);
        assertEquals(ShellEnd.EXITED, assertTimeoutPreemptively(Duration.ofSeconds(30), sh::run));
        assertEquals(1, src.stops.get());
        assertEquals(1, src.closes.get());
    }

    @Test
    void sourceFailureEndsTheShellWithItsExitCode() throws Exception {
        Shell sh = new Shell(piped("start\nstats\n"), new PrintWriter(out), new PrintWriter(err), () -> {
            throw new SourceException(SourceException.Kind.NO_PERMISSION, "perf_event_open(2): Permission denied");
        }, null, NAMES, SETTINGS);
        assertEquals(ShellEnd.failed(SourceException.Kind.NO_PERMISSION), sh.run());
        assertEquals("dropscope: perf_event_open(2): Permission denied\n", err.toString());
        assertEquals(List.of("Enabling monitoring..."), lines());
    }

    @Test
    void ctrlCAtAnIdlePromptEndsTheShellInterrupted() throws Exception {
        FakeSource src = new FakeSource(1, 0);
        Shell sh = shell(prompt -> {
            throw new Shell.UserInterrupt();
        }, src);
        assertEquals(ShellEnd.INTERRUPTED, sh.run());
        assertEquals(0, src.starts.get());
        assertEquals("", out.toString());
    }

    /** {@code shell --connect}: NET_DM's settings go to the daemon, and its answer is the line printed. */
    @Test
    void netDmSettingsGoToRemoteSettingsWhenGiven() throws Exception {
        FakeSource src = new FakeSource(1, 0);
        Shell sh = shell(piped("set trunc 10\nset alertlimit 3\n"), src);
        List<String> asked = new ArrayList<>();
        sh.remoteSettings((name, value) -> {
            asked.add(name + "=" + value);
            return "the daemon refuses " + name;
        });
        assertEquals(ShellEnd.EXITED, sh.run());
        assertEquals(List.of("trunc=10"), asked, "only NET_DM's settings leave the shell");
        assertTrue(out.toString().contains("the daemon refuses trunc\n"), out.toString());
        assertTrue(out.toString().contains("setting alert capture limit to 3"), out.toString());
    }

    @Test
    void helpSetShowAndUnknownCommands() throws Exception {
        FakeSource src = new FakeSource(1, 0);
        assertEquals(ShellEnd.EXITED, shell(piped("help\nset alertlimit x\nset trunc 10\nshow\nfrobnicate\n"), src).run());
        String o = out.toString();
        assertTrue(o.contains("Command Syntax:"));
        assertTrue(o.contains("set alertlimit needs a number"));
        assertTrue(o.contains("set trunc configures NET_DM; this shell uses the fake source"));
        assertTrue(o.contains("Source: fake\nLookup method: kas\nAlert limit: none"));
        assertTrue(o.contains("Unknown command: frobnicate"));
        assertTrue(o.endsWith("Terminating dropscope...\n"));
        assertEquals(0, src.starts.get());
    }

    @Test
    void namesAndKernelMessagesArePrintedEscaped() throws Exception {
        String sym = HostileText.name("__udp4_lib_rcv") + "+9a2";
        Shell sh = new Shell(piped("set alertlimit 1\nstart\nstop\nexit\n"), new PrintWriter(out), new PrintWriter(err),
                () -> new FakeSource(5, 0, 0), null, source -> HostileText.NAMES, SETTINGS);
        assertEquals(ShellEnd.EXITED, sh.run());
        HostileText.assertSafe(out.toString().getBytes(StandardCharsets.UTF_8), "the shell's lines");
        assertTrue(lines().contains("5 drops at " + Printable.word(sym) + " (0xffffffff81c3a9a2) [software] reason: "
                + Printable.word(HostileText.name("NO_SOCKET"))), out::toString);

        out.getBuffer().setLength(0);
        Shell failing = new Shell(piped("start\n"), new PrintWriter(out), new PrintWriter(err), () -> {
            throw new SourceException(SourceException.Kind.NO_KERNEL_FEATURE, "extack: " + HostileText.ALL);
        }, null, NAMES, SETTINGS);
        assertEquals(ShellEnd.failed(SourceException.Kind.NO_KERNEL_FEATURE), failing.run());
        HostileText.assertSafe(err.toString().getBytes(StandardCharsets.UTF_8), "the shell's error line");
    }

    private void waitFor(String text) throws InterruptedException {
        for (int i = 0; i < 500 && !out.toString().contains(text); i++) {
            Thread.sleep(10);
        }
        assertTrue(out.toString().contains(text), "waited for: " + text + "\n" + out);
    }
}
