// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dropscope.record.SourceKind;
import org.dropscope.cli.ExitCodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged dropscope, as root on the tracepoint, writing where the output-file policy and the
 * rule of a failed write matter (README, "Files dropscope writes" and the exit codes):
 * {@code record -o} at a FIFO and at a symbolic link leaves their modes and targets as they were,
 * and {@code record} and {@code top} exit 5 into /dev/full and 0 into a pipe whose reader left.
 */
@Tag("kernel")
class OutputFilesIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
    }

    /** A FIFO keeps its mode (0644 here, where record once made it 0600) and its reader gets the whole file. */
    @Test
    void recordWritesIntoAFifoWhileItsReaderDrainsItAndLeavesItsModeAlone() throws Exception {
        Path fifo = dir.resolve("drops.fifo");
        Commands.check("mkfifo", "-m", "644", fifo.toString());
        CompletableFuture<byte[]> drained = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Commands.Result r = dropscope(Redirect.DISCARD, 0, "record", "-o", fifo.toString(), "--source", "tracepoint",
                "--duration", "1s");
        assertEquals(0, r.exit(), r.describe());
        Path copy = Files.write(dir.resolve("drained.dsr"), drained.get(Commands.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Recordings.FileDrops f = Recordings.read(copy);
        assertTrue(f.result().complete(), "what the reader got is a complete recording: " + f.result());
        assertEquals(SourceKind.TRACEPOINT, f.header().source());
        assertTrue(r.stderr().endsWith("bytes, to " + fifo + "\n"), r.describe());
        assertEquals(0010000, (Integer) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000,
                "still a FIFO");
        assertEquals("rw-r--r--", mode(fifo), "the FIFO's mode");
    }

    @Test
    void recordRefusesASymbolicLinkAndLeavesItAndItsTargetAlone() throws Exception {
        Path target = Files.writeString(dir.resolve("precious"), "not a recording");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("drops.dsr"), target);
        Commands.Result r = dropscope(Redirect.DISCARD, 0, "record", "-o", link.toString(), "--source", "tracepoint",
                "--duration", "1s");
        OneLineError.assertOneLine(r, ExitCodes.BAD_INPUT, "dropscope: cannot write " + link + ": it is a symbolic link",
                "name the file itself");
        assertEquals("not a recording", Files.readString(target));
        assertEquals("rw-r--r--", mode(target), "the target's mode");
        assertEquals(target, Files.readSymbolicLink(link));
    }

    @Test
    void recordAndTopIntoAFullDeviceAreOneLineAndExitCode5() throws Exception {
        Redirect full = Redirect.to(new File("/dev/full"));
        String line = "dropscope: cannot write standard output: no space left on device";
        OneLineError.assertOneLine(dropscope(full, 0, "record", "-o", "-", "--source", "tracepoint", "--duration",
                "1s"), ExitCodes.BAD_INPUT, line);
        // No -n: the failed write alone ends top.
        OneLineError.assertOneLine(dropscope(full, 0, "top", "-b", "--source", "tracepoint", "--interval", "100"),
                ExitCodes.BAD_INPUT, line);
    }

    @Test
    void recordAndTopIntoAPipeWhoseReaderLeftEndQuietlyWithExitCode0() throws Exception {
        // The reader takes the record file's magic, then goes; the file's last block meets the closed pipe.
        Commands.Result record = dropscope(Redirect.PIPE, 8, "record", "-o", "-", "--source", "tracepoint",
                "--duration", "2s");
        assertEquals(0, record.exit(), record.describe());
        List<String> err = record.stderrLines();
        assertTrue(err.get(err.size() - 1).matches("dropscope: the reader of standard output went away: recording"
                + " stopped after \\d+ bytes"), record.describe());
        assertTrue(err.stream().noneMatch(l -> l.contains("cannot")), record.describe());
        // top -b | head -c 1: top ends by itself at the next block, and says nothing.
        Commands.Result top = dropscope(Redirect.PIPE, 1, "top", "-b", "--source", "tracepoint", "--interval", "100");
        assertEquals(new Commands.Result(top.command(), 0, top.stdout(), ""), top, top.describe());
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Runs dropscope with its standard output going to {@code out}; for a pipe, the test reads
     * {@code keep} bytes of it and then closes its end, as {@code | head -c KEEP} does. The
     * result's stdout says how many bytes were read.
     */
    private static Commands.Result dropscope(Redirect out, int keep, String... args) throws Exception {
        List<String> command = ShellProcess.command(List.of(), List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(out).redirectInput(Redirect.from(new File("/dev/null")))
                .start();
        CompletableFuture<String> err = Commands.readAll(p.getErrorStream());
        String read = "";
        if (out == Redirect.PIPE) {
            try (InputStream in = p.getInputStream()) {
                read = in.readNBytes(keep).length + " bytes read, then the pipe closed";
            }
        }
        if (!p.waitFor(Commands.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail(String.join(" ", command) + " did not end within " + Commands.TIMEOUT + "\n" + Commands.await(err));
        }
        return new Commands.Result(command, p.exitValue(), read, Commands.await(err));
    }
}
