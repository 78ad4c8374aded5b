// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.dropscope.it.Recordings.assertCleanRecording;
import static org.dropscope.it.Recordings.awaitFile;
import static org.dropscope.it.Recordings.read;
import static org.dropscope.it.Recordings.recordKnownDrops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dropscope.cli.ExitCodes;
import org.dropscope.it.KnownDrops.DropKey;
import org.dropscope.it.Recordings.Ending;
import org.dropscope.it.Recordings.FileDrops;
import org.dropscope.it.Recordings.Recorded;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.tracefs.TracepointFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dropscope record} (the packaged jar) on the tracepoint while {@link KnownDrops} are
 * caused in a private network namespace, started by its {@code --ready-file} and ended by
 * SIGTERM or {@code --duration}: the file, read back with {@code RecordReader} and
 * {@code RecordNames}, holds per symbol and reason exactly the drops the kernel counted, nothing
 * lost, complete, mode 0600. Other processes' drops of the same kinds are handled as
 * {@link Interference} says. {@link Recordings} runs it and reads the file.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class RecordIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    @Test
    void threeKindsOfDropsEndedBySigtermAreInTheFileExactly() throws IOException {
        Recorded r = recordKnownDrops(dir, KnownDrops.DEFAULT, Ending.SIGTERM);
        FileDrops f = assertCleanRecording(r);
        assertEquals(r.expected(), KnownDrops.only(r.expected(), f.counts()), "drops by symbol/reason in the file\n"
                + r.transcript());
        assertNull(f.header().filter(), "filter in the header");
    }

    /** {@code -g --hot-threshold 0}: every drop its own event with its own stack, as asked. */
    @Test
    void aRecordingEndedByItsDurationIsCompleteWithStacksAndKeepsNoPerfResource() throws IOException {
        Recorded r = recordKnownDrops(dir, new KnownDrops.Datagrams(1000, 0, 0), Ending.DURATION, "-g",
                "--hot-threshold", "0");
        FileDrops f = assertCleanRecording(r);
        assertEquals(r.expected(), KnownDrops.only(r.expected(), f.counts()), r.transcript());
        assertEquals(f.result().drops(), f.result().events(), "an event per drop (--hot-threshold 0)");
        assertEquals(f.result().events(), f.stacked(), "events with a recorded kernel stack (-g)");
        assertTrue(r.stdout().contains(String.format(ShellProbe.REPORT, 0, 0)),
                "perf descriptors or mappings still held when record returned\n" + r.transcript());
    }

    @Test
    void theFilterLeavesOnlyItsDropsAndTheKernelEvaluatesIt() throws IOException {
        Recorded r = recordKnownDrops(dir, KnownDrops.DEFAULT, Ending.SIGTERM, "--filter", "reason == NO_SOCKET");
        FileDrops f = assertCleanRecording(r);
        Map<DropKey, Long> others = new TreeMap<>(Comparator.comparing(DropKey::toString));
        f.counts().forEach((k, v) -> {
            if (!k.reason().equals("NO_SOCKET")) {
                others.put(k, v);
            }
        });
        assertEquals(Map.of(), others, "drops of other reasons in the file\n" + r.transcript());
        assertEquals(r.expected().get(KnownDrops.NO_SOCKET), f.counts().get(KnownDrops.NO_SOCKET),
                "NO_SOCKET drops at __udp4_lib_rcv\n" + r.transcript());
        assertEquals(3, r.expected().size(), "kinds caused: " + r.expected());
        assertEquals("reason == NO_SOCKET", f.header().filter(), "filter in the header");
        // The kernel's number for NO_SOCKET, from the recording kernel's own format file.
        DropReasons reasons = DropReasons.from(TracepointFormat.parse(new StringReader(f.header().tracepointFormat())));
        String kernel = "the kernel filters: reason == " + reasons.codeOf("NO_SOCKET") + ";";
        assertTrue(r.stderr().contains(kernel), "'" + kernel + "' on stderr\n" + r.transcript());
    }

    @Test
    void aRecordingKilledWithSigkillKeepsEveryBlockItHadWritten() {
        // SIGKILL leaves no chance to unmount: dropscope runs in a mount namespace of its own.
        try (KnownDrops drops = KnownDrops.create();
                MountNamespace mnt = MountNamespace.create(MountNamespace.TracefsState.UNMOUNTED)) {
            Path file = dir.resolve("killed.dsr");
            Path ready = dir.resolve("killed.ready");
            try (ShellProcess p = ShellProcess.start(mnt.prefix(), "record", "-o", file.toString(), "--source",
                    "tracepoint", "--ready-file", ready.toString())) {
                awaitFile(ready, p);
                long caused = drops.cause(new KnownDrops.Datagrams(1000, 0, 0)).get(KnownDrops.NO_SOCKET);
                // A block is written once it is a second old: wait until the file holds the drops.
                Commands.waitUntil(() -> read(file).counts().getOrDefault(KnownDrops.NO_SOCKET, 0L) >= caused,
                        Commands.TIMEOUT, "the file to hold the " + caused + " drops",
                        () -> read(file).counts() + "\n" + p.transcript());
                p.signal("KILL");
                p.awaitExit();
                FileDrops f = read(file);
                assertEquals(caused, f.counts().get(KnownDrops.NO_SOCKET), "NO_SOCKET drops after SIGKILL");
                assertTrue(!f.result().ended(), "no end record after SIGKILL: " + f.result());
                List<String> report = new ArrayList<>(List.of("-jar", ShellProcess.jar().toString(), "report",
                        "--format", "json", file.toString()));
                Commands.Result r = Commands.run(ChildJvm.java(report.toArray(String[]::new)));
                assertEquals(ExitCodes.BAD_INPUT, r.exit(), r.describe());
                assertTrue(r.stderr().contains("without the end marker"), r.describe());
                assertTrue(ReportJson.parse(r.stdout(), r.describe()).count("__udp4_lib_rcv", "NO_SOCKET") >= caused,
                        "report counts what was written before the kill\n" + r.describe());
            }
        }
    }
}
