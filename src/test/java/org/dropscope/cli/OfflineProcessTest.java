// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.dropscope.report.ReportFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} and {@code report} as a process: with a heap much smaller than the capture (a
 * capture is read record by record, never whole), and with a standard output that cannot be
 * written (/dev/full), which only a real file descriptor 1 shows.
 */
class OfflineProcessTest {
    private static final Path PCAP = Path.of("src/test/resources/fixtures/netlink/netdm-6.1.pcap");
    /** The child's heap: a fifth of the large captures below, which a whole-file read could not hold. */
    private static final String HEAP = "-Xmx16m";
    private static final long LARGE = 80L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** What a dropscope process said and how it ended. */
    private record Run(int exit, String err) {
    }

    /** Runs {@code dropscope args} in a JVM of {@link #HEAP}, standard input and output as given. */
    private Run dropscope(Redirect in, Redirect out, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:-UsePerfData", HEAP, "-Djava.io.tmpdir=" + tmp.resolve("spool"), "-cp",
                classPath(), Main.class.getName()));
        command.addAll(List.of(args));
        Files.createDirectories(tmp.resolve("spool"));
        Path err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectInput(in).redirectOutput(out).redirectError(err.toFile())
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("dropscope " + String.join(" ", args) + " did not end: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * The test's class path without SLF4J: the jar has none, and the API alone warns on standard
     * error that it found no provider.
     */
    private static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("slf4j")).collect(Collectors.joining(File.pathSeparator));
    }

    private static long total(Path json) throws IOException {
        JsonNode r = JSON.readTree(json.toFile());
        return r.get("total").asLong();
    }

    @Test
    void aCaptureFiveTimesTheHeapIsReplayedAndReportedWhole() throws Exception {
        Path one = tmp.resolve("one.json");
        assertEquals(new Run(0, ""), dropscope(Redirect.INHERIT, Redirect.to(one.toFile()), "report", PCAP.toString(),
                "--format", "json"));
        Path large = tmp.resolve("large.pcap");
        byte[] pcap = Files.readAllBytes(PCAP);
        Captures.repeated(pcap, LARGE, large);
        long copies = (Files.size(large) - 24) / (pcap.length - 24);
        assertEquals(new Run(0, ""), dropscope(Redirect.INHERIT, Redirect.DISCARD, "replay", large.toString(),
                "-l", "none"));
        Path json = tmp.resolve("large.json");
        assertEquals(new Run(0, ""), dropscope(Redirect.INHERIT, Redirect.to(json.toFile()), "report",
                large.toString(), "--format", "json"));
        assertEquals(copies * total(one), total(json));
    }

    /**
     * Standard input without a family reply: the first pass reads it all, and what it read is
     * spooled to a temporary file for the second, unlinked at once (the spool directory stays empty).
     */
    @Test
    void aPipedCaptureWithoutItsFamilyReplyIsSpooledNotHeld() throws Exception {
        Path large = tmp.resolve("alerts.pcap");
        Captures.repeated(Captures.alertsOnly(Files.readAllBytes(PCAP)), LARGE, large);
        Path json = tmp.resolve("alerts.json");
        Run r = dropscope(Redirect.from(large.toFile()), Redirect.to(json.toFile()), "report", "-", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().startsWith("dropscope: standard input: no NET_DM family reply in the capture"), r.err());
        assertTrue(total(json) > 0);
        try (var left = Files.list(tmp.resolve("spool"))) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** A pcap header and then 2 GiB of nothing (a sparse file): the first record is damage, said at once. */
    @Test
    void aHeaderFollowedByTwoGibibytesOfZerosIsDamageAtTheFirstRecord() throws Exception {
        Path sparse = tmp.resolve("sparse.pcap");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.write(Files.readAllBytes(PCAP), 0, 24);
            f.setLength(24 + (2L << 30));
        }
        for (String command : List.of("replay", "report")) {
            Run r = dropscope(Redirect.INHERIT, Redirect.DISCARD, command, sparse.toString());
            assertEquals(ExitCodes.BAD_INPUT, r.exit(), r.err());
            assertTrue(r.err().startsWith("dropscope: " + sparse + ": record 1 at byte 24: captured length 0"
                    + " (expected: 16 to 16777216 bytes)"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }

    @Test
    void devZeroIsNoCapture() throws Exception {
        assertEquals(new Run(ExitCodes.BAD_INPUT, "dropscope: /dev/zero: not a pcap file: magic 0x00000000\n"),
                dropscope(Redirect.INHERIT, Redirect.DISCARD, "replay", "/dev/zero"));
        assertEquals(new Run(ExitCodes.BAD_INPUT, "dropscope: /dev/zero: neither a dropscope record file nor a pcap"
                + " capture: it starts with 00 00 00 00 00 00 00 00 (a record file starts with 89 44 53 52 45 43 0d 0a,"
                + " a pcap with d4 c3 b2 a1 or 4d 3c b2 a1)\n"),
                dropscope(Redirect.INHERIT, Redirect.DISCARD, "report", "/dev/zero"));
    }

    /**
     * /dev/stdout and /dev/fd/1 are the descriptor dropscope was given, though each is a symbolic
     * link: written (appended to), where any other link is refused.
     */
    @Test
    void theSvgGoesToStandardOutputThroughDevStdoutAndDevFd() throws Exception {
        Path dsr = Files.write(tmp.resolve("stacks.dsr"), ReportFiles.write(ReportFiles.events(2000, true), 64));
        for (String name : List.of("/dev/stdout", "/dev/fd/1")) {
            Path out = Files.writeString(tmp.resolve("out.svg"), "<!-- before -->\n");
            assertEquals(new Run(0, ""), dropscope(Redirect.INHERIT, Redirect.appendTo(out.toFile()), "report",
                    dsr.toString(), "--svg", name));
            String svg = Files.readString(out);
            assertTrue(svg.startsWith("<!-- before -->\n<?xml") && svg.strip().endsWith("</svg>"), name + ": " + svg);
        }
    }

    /** A full disk is said, with the exit code of a file that cannot be written. */
    @Test
    void aStandardOutputThatCannotBeWrittenIsOneLineAndExitFive() throws Exception {
        Path dsr = Files.write(tmp.resolve("stacks.dsr"), ReportFiles.write(ReportFiles.events(2000, true), 64));
        Redirect full = Redirect.to(Path.of("/dev/full").toFile());
        Run full1 = new Run(ExitCodes.BAD_INPUT, "dropscope: cannot write standard output: no space left on device\n");
        assertEquals(full1, dropscope(Redirect.INHERIT, full, "replay", PCAP.toString()));
        assertEquals(full1, dropscope(Redirect.INHERIT, full, "report", PCAP.toString()));
        assertEquals(full1, dropscope(Redirect.INHERIT, full, "report", dsr.toString()));
        assertEquals(full1, dropscope(Redirect.INHERIT, full, "report", dsr.toString(), "--folded"));
        // Commands that print and end without looking follow the same rule (DropscopeCommand.execute).
        assertEquals(full1, dropscope(Redirect.INHERIT, full, "--help"));
        assertEquals(full1, dropscope(Redirect.INHERIT, full, "top", "-l", "list"));
    }
}
