// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.io.OutputFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStreamTest {
    @TempDir
    Path dir;

    @Test
    void aReaderOnAPipeSeesEachBlockAsItIsWrittenAndTheEndMarkerLast() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        OutputStream out = new PipedOutputStream(in);
        CompletableFuture<ReadResult> read = CompletableFuture.supplyAsync(() -> readAll(in));
        RecordWriter w = new RecordWriter(out, RecordFixtures.tracepointHeader(), RecordFixtures.NAMES,
                new RecordWriter.Limits(100, Long.MAX_VALUE), System::nanoTime);
        DropEvent e = new DropEvent();
        for (int i = 0; i < 10_000; i++) {
            w.drop(e.set(i, i & 1, DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC, RecordFixtures.NO_SOCKET,
                    DropSink.NO_STACK, 1));
        }
        w.close();
        ReadResult result = read.get(30, TimeUnit.SECONDS);
        assertTrue(result.complete(), () -> String.valueOf(result.damage()));
        assertEquals(10_000, result.events());
        assertEquals(101, result.blocks());
    }

    @Test
    void aWriterKilledMidwayLeavesEveryFlushedBlockReadable() throws Exception {
        Path file = dir.resolve("killed.dsrec");
        OutputStream out = OutputFiles.open(file);
        RecordWriter w = new RecordWriter(out, RecordFixtures.tracepointHeader(), RecordFixtures.NAMES,
                new RecordWriter.Limits(10, Long.MAX_VALUE), System::nanoTime);
        DropEvent e = new DropEvent();
        for (int i = 0; i < 25; i++) {
            w.drop(e.set(i, 0, DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC, RecordFixtures.NO_SOCKET,
                    DropSink.NO_STACK, 1));
        }
        // No close(): what kill -9 leaves is what the writer handed the kernel.
        ReadResult result;
        try (InputStream in = Files.newInputStream(file)) {
            result = new RecordReader(in).read(new RecordFixtures.Collect());
        }
        out.close();
        assertFalse(result.ended());
        assertEquals(20, result.events(), "two full blocks; the five events of the third were in memory");
        assertEquals(RecordFormatException.Kind.TRUNCATED, result.damage().kind());
    }

    @Test
    void hostFactsComeFromProc() throws IOException {
        Path kernel = Files.createDirectories(dir.resolve("proc/sys/kernel/random"));
        Files.writeString(kernel.resolve("boot_id"), "5b0c0f3e-6a43-4c5e-9d1a-0e6f2d7c9a11\n");
        Files.writeString(kernel.resolveSibling("osrelease"), "6.18.44\n");
        Files.writeString(kernel.resolveSibling("hostname"), "bench\n");
        assertEquals(new HostFacts("6.18.44", "bench", "5b0c0f3e-6a43-4c5e-9d1a-0e6f2d7c9a11"),
                HostFacts.read(dir.resolve("proc")));
    }

    private static ReadResult readAll(InputStream in) {
        try {
            return new RecordReader(in).read(new RecordFixtures.Collect());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
