// SPDX-License-Identifier: Apache-2.0
package org.dropscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output-file policy on real files of every kind, without a kernel feature: what is created
 * and with which mode, what is truncated, and that nothing that exists has its mode, owner or
 * target changed.
 */
class OutputFilesTest {
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final byte[] OURS = "ours".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static void write(Path path, byte[] bytes) throws IOException {
        try (OutputStream out = OutputFiles.open(path)) {
            out.write(bytes);
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    /** The file type bits of st_mode: S_IFIFO, S_IFREG, ... */
    private static int type(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
    }

    private static int owner(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aNewFileIsCreatedWithMode0600() throws IOException {
        Path file = dir.resolve("new.dsr");
        write(file, OURS);
        assertEquals("rw-------", mode(file));
        assertArrayEquals(OURS, Files.readAllBytes(file));
    }

    @Test
    void anExistingRegularFileIsTruncatedAndKeepsItsMode() throws IOException {
        Path file = Files.writeString(dir.resolve("old.dsr"), "a much longer earlier recording");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        write(file, OURS);
        assertArrayEquals(OURS, Files.readAllBytes(file));
        assertEquals("rw-r-----", mode(file), "the mode of a file that existed");
    }

    /** As root (the case that matters: record and dump run as root), another user's file. */
    @Test
    void anotherUsersFileIsWrittenWithItsOwnerAndModeLeftAlone() throws IOException {
        Path probe = Files.createFile(dir.resolve("probe"));
        Assumptions.assumeTrue(owner(probe) == 0, "needs root to give a file to another user");
        Path file = Files.writeString(dir.resolve("theirs.pcap"), "their earlier contents");
        Files.setAttribute(file, "unix:uid", 65534);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        write(file, OURS);
        assertArrayEquals(OURS, Files.readAllBytes(file));
        assertEquals(65534, owner(file), "owner");
        assertEquals("rw-rw-r--", mode(file), "mode");
    }

    @Test
    void aFifoIsWrittenToItsReaderAndKeepsItsMode() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "644", fifo.toString()).start().waitFor());
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        write(fifo, OURS);
        assertArrayEquals(OURS, reader.get(30, TimeUnit.SECONDS));
        assertEquals(S_IFIFO, type(fifo), "still a FIFO");
        assertEquals("rw-r--r--", mode(fifo));
    }

    @Test
    void devicesAreWrittenAndKeepTheirMode() throws IOException {
        Path devNull = Path.of("/dev/null");
        assertEquals(S_IFCHR, type(devNull));
        String before = mode(devNull);
        write(devNull, OURS);
        assertEquals(before, mode(devNull), "/dev/null's mode");
        Path full = Path.of("/dev/full");
        String fullBefore = mode(full);
        IOException e = assertThrows(IOException.class, () -> write(full, OURS));
        assertEquals("No space left on device", e.getMessage());
        assertEquals(fullBefore, mode(full), "/dev/full's mode");
    }

    @Test
    void aSymbolicLinkIsRefusedAndNeitherItNorItsTargetChanges() throws IOException {
        Path target = precious("target");
        Path link = Files.createSymbolicLink(dir.resolve("link.dsr"), target);
        assertRefused(link, "it is a symbolic link", target);
        assertEquals(target, Files.readSymbolicLink(link));
    }

    /** A second name of another file (here: of a root file, where fs.protected_hardlinks is off). */
    @Test
    void aFileWithHardLinksIsRefusedAndKeepsItsContents() throws IOException {
        Path target = precious("shadow");
        assertRefused(Files.createLink(dir.resolve("planted.dsr"), target), "it has 2 names (hard links)", target);
    }

    /** A file of mode 0644 that must come through unchanged. */
    private Path precious(String name) throws IOException {
        Path target = Files.writeString(dir.resolve(name), "precious");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        return target;
    }

    /** Writing {@code path} is refused with {@code reason}, and {@link #precious} {@code target} is as it was. */
    private static void assertRefused(Path path, String reason, Path target) throws IOException {
        FileSystemException e = assertThrows(OutputFiles.RefusedException.class, () -> write(path, OURS));
        assertEquals(path.toString(), e.getFile());
        assertTrue(e.getReason().startsWith(reason), e.getReason());
        assertEquals("precious", Files.readString(target));
        assertEquals("rw-r--r--", mode(target));
    }

    /** The classic trick: a dangling link where root will create a file makes it create the target. */
    @Test
    void aDanglingSymbolicLinkIsRefusedAndItsTargetIsNotCreated() throws IOException {
        Path target = dir.resolve("would-be-created");
        Path link = Files.createSymbolicLink(dir.resolve("dangling.pcap"), target);
        assertThrows(OutputFiles.RefusedException.class, () -> write(link, OURS));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aLinkInTheDirectoriesAboveIsFollowed() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path linked = Files.createSymbolicLink(dir.resolve("linked"), real);
        write(linked.resolve("x.svg"), OURS);
        assertArrayEquals(OURS, Files.readAllBytes(real.resolve("x.svg")));
        assertEquals("rw-------", mode(real.resolve("x.svg")));
    }

    @Test
    void aDirectoryOrAMissingDirectoryIsAnOrdinaryError() {
        FileSystemException isDir = assertThrows(FileSystemException.class, () -> write(dir, OURS));
        assertEquals("Is a directory", isDir.getReason());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> write(dir.resolve("no/such.dsr"), OURS));
    }

    @Test
    void descriptorPathsAreTold() {
        assertEquals(OptionalInt.of(1), OutputFiles.descriptor(Path.of("/dev/stdout")));
        assertEquals(OptionalInt.of(2), OutputFiles.descriptor(Path.of("/dev/stderr")));
        assertEquals(OptionalInt.of(63), OutputFiles.descriptor(Path.of("/dev/fd/63")));
        assertEquals(OptionalInt.of(5), OutputFiles.descriptor(Path.of("/proc/self/fd/5")));
        assertEquals(OptionalInt.of(7), OutputFiles.descriptor(Path.of("/dev/fd/../fd/7")));
        assertEquals(OptionalInt.empty(), OutputFiles.descriptor(Path.of("/dev/fd/x")));
        assertEquals(OptionalInt.empty(), OutputFiles.descriptor(Path.of("/tmp/dev/stdout")));
        assertEquals(OptionalInt.empty(), OutputFiles.descriptor(Path.of("stdout")));
    }
}
