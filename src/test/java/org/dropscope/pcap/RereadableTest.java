// SPDX-License-Identifier: Apache-2.0
package org.dropscope.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A pipe read in passes: each pass sees the stream from its first byte, whatever the passes before read. */
class RereadableTest {
    @TempDir
    Path tmp;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void everyPassOfAPipeReadsItFromTheStartPastTheMemorySpool() throws IOException {
        byte[] data = bytes(3 * Rereadable.MEMORY_SPOOL + 12345);
        try (Rereadable r = Rereadable.spooling(new ByteArrayInputStream(data))) {
            // A short first pass, a longer second (into the temporary file), a whole third, then the last.
            try (InputStream in = r.open()) {
                assertArrayEquals(Arrays.copyOf(data, 8), in.readNBytes(8));
            }
            try (InputStream in = r.open()) {
                assertArrayEquals(Arrays.copyOf(data, 2 * Rereadable.MEMORY_SPOOL), in.readNBytes(
                        2 * Rereadable.MEMORY_SPOOL));
            }
            try (InputStream in = r.open()) {
                assertArrayEquals(data, in.readAllBytes());
            }
            try (InputStream in = r.openLast()) {
                assertArrayEquals(data, in.readAllBytes());
            }
            assertThrows(IllegalStateException.class, r::open);
            // The spool file is unlinked as soon as it is made: nothing is left behind, however dropscope ends.
            assertEquals(List.of(" (deleted)"), spoolFiles().stream().map(t -> t.substring(t.lastIndexOf(' ')))
                    .toList());
        }
        assertEquals(List.of(), spoolFiles(), "closed");
    }

    /** A FIFO (or a process substitution's /dev/fd/N) can be opened only once: it is spooled as a pipe. */
    @Test
    @Timeout(60)
    void aFileThatIsNoRegularFileIsOpenedOnceAndSpooled() throws Exception {
        byte[] data = bytes(100_000);
        Path fifo = tmp.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = new Thread(() -> {
            try {
                Files.write(fifo, data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();
        try (Rereadable r = Rereadable.of(fifo)) {
            try (InputStream in = r.open()) {
                assertArrayEquals(Arrays.copyOf(data, 8), in.readNBytes(8));
            }
            try (InputStream in = r.openLast()) {
                assertArrayEquals(data, in.readAllBytes());
            }
        } finally {
            writer.join();
        }
    }

    /** What this process's open spool files are, as /proc/self/fd names them. */
    private static List<String> spoolFiles() throws IOException {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.contains("dropscope-capture")) {
                        found.add(target);
                    }
                } catch (IOException e) {
                    // The directory stream's own descriptor, closed by the time it is read.
                }
            }
        }
        return found;
    }

    @Test
    void aFileIsOpenedAgainForEachPass() throws IOException {
        byte[] data = bytes(1000);
        Path f = Files.write(tmp.resolve("f"), data);
        try (Rereadable r = Rereadable.of(f)) {
            for (int i = 0; i < 3; i++) {
                try (InputStream in = i < 2 ? r.open() : r.openLast()) {
                    assertArrayEquals(data, in.readAllBytes());
                }
            }
        }
    }
}
