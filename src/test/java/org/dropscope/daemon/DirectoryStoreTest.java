// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectoryStore} on a real directory: created 0700, segments created 0600 and listed
 * oldest first, other files neither listed nor deleted, a symbolic link not written through.
 */
class DirectoryStoreTest {
    @TempDir
    Path tmp;

    @Test
    void segmentsArePrivateListedByNameAndOtherFilesAreLeftAlone() throws IOException {
        Path dir = tmp.resolve("lib").resolve("flight");
        DirectoryStore store = DirectoryStore.open(dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (OutputStream o = store.create("flight-20261207T030100.000Z.dsr")) {
            o.write(new byte[10]);
        }
        try (OutputStream o = store.create("flight-20261207T030000.000Z.dsr")) {
            o.write(new byte[3]);
        }
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("flight-20261207T030000.000Z.dsr"))));
        assertEquals(List.of(new SegmentStore.Segment("flight-20261207T030000.000Z.dsr", 3),
                new SegmentStore.Segment("flight-20261207T030100.000Z.dsr", 10)), store.list());
        store.delete("flight-20261207T030000.000Z.dsr");
        store.delete("flight-20261207T030000.000Z.dsr");
        assertEquals(1, store.list().size());
        assertTrue(Files.exists(dir.resolve("notes.txt")));
        assertTrue(store.usableBytes() > 0 && store.totalBytes() >= store.usableBytes());
    }

    @Test
    void aSymbolicLinkInPlaceOfASegmentIsNotWrittenThrough() throws IOException {
        DirectoryStore store = DirectoryStore.open(tmp);
        Path target = Files.writeString(tmp.resolve("target"), "kept");
        Files.createSymbolicLink(tmp.resolve("flight-20261207T030000.000Z.dsr"), target);
        assertThrows(IOException.class, () -> store.create("flight-20261207T030000.000Z.dsr"));
        assertEquals("kept", Files.readString(target));
        assertEquals(List.of(), store.list(), "a link is no segment");
    }
}
