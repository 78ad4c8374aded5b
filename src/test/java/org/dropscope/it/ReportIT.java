// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dropscope.it.KnownDrops.DropKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dropscope report} on recordings of the tracepoint made while {@link KnownDrops} were
 * caused in a private network namespace (closed port, full receive buffer, an nftables drop
 * rule): {@code --format json} gives per symbol and reason exactly the kernel's own counts, from
 * a file and from a pipe ({@code record -o - | report -}); the folded stacks and the flame graph
 * of a {@code -g} recording count every drop under its call chain.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class ReportIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    @Test
    void theJsonReportOfARecordingCountsExactlyTheKernelsDropsBySymbolAndReason() throws IOException {
        Recordings.Recorded r = Recordings.recordKnownDrops(dir, KnownDrops.DEFAULT, Recordings.Ending.SIGTERM);
        Recordings.assertCleanRecording(r);
        ReportJson report = ReportJson.of(r.file());
        assertEquals(3, r.expected().size(), "kinds caused: " + r.expected());
        assertEquals(r.expected(), KnownDrops.only(r.expected(), keyed(report)), report.json()::toString);
        assertEquals(0, report.lost(), "lost");
        assertTrue(report.complete(), report.json()::toString);
        assertEquals("tracepoint", report.json().get("source").asText());
    }

    @Test
    void aRecordingPipedIntoReportCountsTheSame() {
        Piped p = Interference.repeatWhileDisturbed("ReportIT", () -> pipeOnce(dir), p1 -> KnownDrops.disturbance(
                p1.expected(), keyed(p1.report()), p1.report().lost()));
        Map<DropKey, Long> expected = KnownDrops.placed(p.expected(), keyed(p.report()));
        assertEquals(expected, KnownDrops.only(expected, keyed(p.report())), p.report().json()::toString);
        assertTrue(p.report().complete(), "the piped recording was read to its end record: " + p.report().json());
        assertEquals(0, p.report().lost(), "lost");
    }

    @Test
    void foldedStacksAndTheFlameGraphCountEveryDropUnderItsCallChain() throws IOException {
        // Every drop's own stack, as asked (by default a hot key's drops share sampled stacks).
        Recordings.Recorded r = Recordings.recordKnownDrops(dir, new KnownDrops.Datagrams(1000, 0, 0),
                Recordings.Ending.DURATION, "-g", "--hot-threshold", "0");
        Recordings.assertCleanRecording(r);
        long caused = r.expected().get(KnownDrops.NO_SOCKET);
        List<String> folded = run("report", "--folded", "--filter", "reason == NO_SOCKET", r.file().toString())
                .stdoutLines();
        long underUdp = 0;
        for (String line : folded) {
            int space = line.lastIndexOf(' ');
            String[] frames = line.substring(0, space).split(";");
            assertTrue(frames.length > 1, "a call chain, root first: " + line);
            // The innermost frame is the freeing function (sk_skb_reason_drop on 6.18), its caller
            // the drop location.
            if (List.of(frames).contains("__udp4_lib_rcv")) {
                underUdp += Long.parseLong(line.substring(space + 1));
            }
        }
        assertEquals(caused, underUdp, "NO_SOCKET drops with __udp4_lib_rcv in their call chain\n"
                + String.join("\n", folded));
        Path svg = dir.resolve("drops.svg");
        run("report", "--svg", svg.toString(), "--filter", "reason == NO_SOCKET", r.file().toString());
        String image = Files.readString(svg);
        assertTrue(image.startsWith("<?xml") || image.startsWith("<svg"), image.substring(0, 100));
        assertTrue(image.contains("__udp4_lib_rcv"), "the flame graph names the dropping function");
    }

    /** A pipeline's outcome: the drops caused and report's JSON. */
    private record Piped(Map<DropKey, Long> expected, ReportJson report) {
    }

    private static Piped pipeOnce(Path dir) {
        Path ready = dir.resolve("ready-" + System.nanoTime());
        ProcessBuilder record = new ProcessBuilder(ShellProcess.command(List.of(), List.of("record", "-o", "-",
                "--source", "tracepoint", "--ready-file", ready.toString())))
                .redirectError(dir.resolve("record.err").toFile());
        ProcessBuilder report = new ProcessBuilder(ChildJvm.java("-jar", ShellProcess.jar().toString(), "report",
                "--format", "json", "-"))
                .redirectError(dir.resolve("report.err").toFile());
        List<Process> pipeline;
        try {
            pipeline = ProcessBuilder.startPipeline(List.of(record, report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (KnownDrops drops = KnownDrops.create()) {
            CompletableFuture<String> json = Commands.readAll(pipeline.get(1).getInputStream());
            Recordings.awaitReadyFile(ready, pipeline.get(0)::isAlive, () -> errors(dir));
            Map<DropKey, Long> expected = drops.cause(KnownDrops.DEFAULT);
            pipeline.get(0).destroy(); // SIGTERM, as a script ends it
            for (Process p : pipeline) {
                if (!p.waitFor(Commands.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    fail("the pipeline did not end after SIGTERM to record\n" + errors(dir));
                }
            }
            assertEquals(0, pipeline.get(0).exitValue(), () -> "record's exit code\n" + errors(dir));
            assertEquals(0, pipeline.get(1).exitValue(), () -> "report's exit code\n" + errors(dir));
            return new Piped(expected, ReportJson.parse(Commands.await(json), errors(dir)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pipeline.forEach(Process::destroyForcibly);
        }
    }

    private static String errors(Path dir) {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("record.err", "report.err")) {
            File f = dir.resolve(name).toFile();
            try {
                b.append(name).append(":\n").append(f.exists() ? Files.readString(f.toPath()) : "").append('\n');
            } catch (IOException e) {
                b.append(name).append(": ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    private static Commands.Result run(String... args) {
        List<String> c = new ArrayList<>(List.of("-jar", ShellProcess.jar().toString()));
        c.addAll(List.of(args));
        return Commands.run(ChildJvm.java(c.toArray(String[]::new))).checked();
    }

    /** report's counts keyed as {@link KnownDrops} keys them. */
    private static Map<DropKey, Long> keyed(ReportJson report) {
        Map<DropKey, Long> m = new LinkedHashMap<>();
        report.counts().forEach((k, v) -> {
            int space = k.lastIndexOf(' ');
            m.merge(new DropKey(k.substring(0, space), k.substring(space + 1)), v, Long::sum);
        });
        return m;
    }
}
