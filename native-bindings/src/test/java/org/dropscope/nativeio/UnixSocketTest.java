// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UnixListener} and {@link UnixConnection} on real unix sockets in a temporary directory:
 * the modes and owners of the directory and the socket, the peer's credentials, data both ways, the
 * read timeout, stale and live socket files, and what is refused.
 */
class UnixSocketTest {
    @TempDir
    Path tmp;

    private Path socket() {
        return tmp.resolve("run").resolve("dropscope.sock");
    }

    @Test
    void bindMakesTheDirectory0750AndTheSocket0660OwnedByThisProcess() throws IOException {
        int umask = currentUmask();
        try (UnixListener l = UnixListener.bind(socket(), null)) {
            Path dir = socket().getParent();
            assertEquals(040750, mode(dir), "directory mode");
            assertEquals(0140660, mode(socket()), "socket mode");
            Path probe = Files.createTempFile(tmp, "owner", "");
            for (Path p : new Path[] {dir, socket()}) {
                assertEquals(attr(probe, "unix:uid"), attr(p, "unix:uid"), p + " owner");
                assertEquals(attr(probe, "unix:gid"), attr(p, "unix:gid"), p + " group");
            }
            assertFalse(l.removedStale());
        }
        assertEquals(umask, currentUmask(), "the process's umask is put back");
    }

    @Test
    void bindGivesTheDirectoryAndTheSocketToTheGroup() throws IOException {
        assumeTrue(Native.geteuid() == 0, "only root may give files to a group it is not in");
        try (UnixListener l = UnixListener.bind(socket(), "nogroup")) {
            assertEquals(65534, attr(socket().getParent(), "unix:gid"));
            assertEquals(65534, attr(socket(), "unix:gid"));
            assertEquals(0, attr(socket(), "unix:uid"));
        }
    }

    @Test
    void anExistingDirectoryOfItsOwnIsNarrowedTo0750() throws IOException {
        existingDirectory("rwx------");
        try (UnixListener l = UnixListener.bind(socket(), null)) {
            assertEquals(040750, mode(socket().getParent()));
        }
    }

    @Test
    void aSharedDirectoryIsRefusedAndLeftAsItWas() throws IOException {
        Path dir = existingDirectory("rwxrwxrwx");
        IOException e = assertThrows(IOException.class, () -> UnixListener.bind(socket(), null));
        assertTrue(e.getMessage().contains("is 0777 ") && e.getMessage().contains("a directory others may write in"),
                e.getMessage());
        assertEquals(040777, mode(dir));
        assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aDirectoryHoldingOnlyTheSocketIsNarrowed() throws IOException {
        existingDirectory("rwxr-xr-x");
        try (UnixListener l = UnixListener.bind(socket(), null)) {
            assertEquals(040750, mode(socket().getParent()));
        }
    }

    @Test
    void aDirectoryWithOtherFilesIsNotChanged() throws IOException {
        Path dir = existingDirectory("rwx------");
        Files.writeString(dir.resolve("notes"), "mine");
        IOException e = assertThrows(IOException.class, () -> UnixListener.bind(socket(), null));
        assertTrue(e.getMessage().contains("holds other files"), e.getMessage());
        assertEquals(040700, mode(dir));
    }

    @Test
    void aSymbolicLinkForTheDirectoryIsRefused() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(socket().getParent(), real);
        IOException e = assertThrows(IOException.class, () -> UnixListener.bind(socket(), null));
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    }

    @Test
    void anUnknownGroupIsNamed() {
        IOException e = assertThrows(IOException.class, () -> UnixListener.bind(socket(), "no-such-group-dropscope"));
        assertEquals("no group named no-such-group-dropscope (getgrnam(3)); create it or name another", e.getMessage());
    }

    @Test
    void thePeersCredentialsAreThisProcesssOnBothEnds() throws Exception {
        Path probe = Files.createTempFile(tmp, "owner", "");
        PeerCredentials self = new PeerCredentials((int) ProcessHandle.current().pid(),
                attr(probe, "unix:uid"), attr(probe, "unix:gid"));
        try (UnixListener l = UnixListener.bind(socket(), null);
                UnixConnection client = UnixConnection.connect(socket());
                UnixConnection server = l.accept()) {
            assertEquals(self, server.peer());
            assertEquals(self, client.peer());
        }
    }

    @Test
    void bytesGoBothWaysAndCloseIsEndOfStream() throws Exception {
        try (UnixListener l = UnixListener.bind(socket(), null);
                UnixConnection client = UnixConnection.connect(socket());
                UnixConnection server = l.accept()) {
            byte[] big = new byte[1 << 20];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            // More than a socket buffer holds: the write blocks until the reader catches up.
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    client.write(ByteBuffer.wrap(big));
                    client.close();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteBuffer got = ByteBuffer.allocate(big.length + 1);
            int n;
            while ((n = server.read(got)) > 0) {
                assertTrue(n <= big.length);
            }
            assertEquals(-1, n);
            sent.get(30, TimeUnit.SECONDS);
            got.flip();
            assertEquals(big.length, got.remaining());
            byte[] bytes = new byte[big.length];
            got.get(bytes);
            assertArrayEquals(big, bytes);
            IOException e = assertThrows(IOException.class,
                    () -> server.write(ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII))));
            assertTrue(e instanceof NativeException ne && ne.errno() == Errno.EPIPE, e.toString());
        }
    }

    @Test
    void aReadWithNothingToReadTimesOut() throws Exception {
        try (UnixListener l = UnixListener.bind(socket(), null);
                UnixConnection client = UnixConnection.connect(socket());
                UnixConnection server = l.accept()) {
            server.readTimeout(50);
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> server.read(ByteBuffer.allocate(8)));
            assertTrue(e.getMessage().endsWith("nothing for 50 ms"), e.getMessage());
            client.write(ByteBuffer.wrap(new byte[] {7}));
            ByteBuffer one = ByteBuffer.allocate(8);
            assertEquals(1, server.read(one));
            assertEquals(7, one.get(0));
        }
    }

    @Test
    void aStaleSocketIsRemovedAndReplaced() throws Exception {
        Files.createDirectory(socket().getParent());
        // The JDK's unix server leaves its file behind when closed, like a killed daemon's.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket()));
        }
        NativeException refused = assertThrows(NativeException.class, () -> UnixConnection.connect(socket()));
        assertEquals(Errno.ECONNREFUSED, refused.errno());
        try (UnixListener l = UnixListener.bind(socket(), null);
                UnixConnection client = UnixConnection.connect(socket());
                UnixConnection server = l.accept()) {
            assertTrue(l.removedStale());
            assertEquals(0140660, mode(socket()));
        }
    }

    @Test
    void aSocketSomeoneAnswersOnIsLeftAlone() throws Exception {
        try (UnixListener first = UnixListener.bind(socket(), null)) {
            Object inode = Files.getAttribute(socket(), "unix:ino");
            NativeException e = assertThrows(NativeException.class, () -> UnixListener.bind(socket(), null));
            assertEquals(Errno.EADDRINUSE, e.errno());
            assertTrue(e.getMessage().contains("a process answers on it"), e.getMessage());
            assertEquals(inode, Files.getAttribute(socket(), "unix:ino"));
            try (UnixConnection client = UnixConnection.connect(socket()); UnixConnection server = first.accept()) {
                assertEquals(ProcessHandle.current().pid(), server.peer().pid());
            }
        }
    }

    @Test
    void aFileThatIsNoSocketIsLeftAlone() throws IOException {
        Files.createDirectory(socket().getParent());
        Files.writeString(socket(), "not a socket");
        IOException e = assertThrows(IOException.class, () -> UnixListener.bind(socket(), null));
        assertTrue(e.getMessage().endsWith("exists and is not a socket; remove it or choose another path for the socket"),
                e.getMessage());
        assertEquals("not a socket", Files.readString(socket()));
    }

    @Test
    void closeWakesAcceptAndRemovesTheSocket() throws Exception {
        UnixListener l = UnixListener.bind(socket(), null);
        CompletableFuture<Throwable> accepting = CompletableFuture.supplyAsync(() -> {
            try {
                l.accept().close();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        // Whether or not accept(2) has started yet, closing must end it with an IOException.
        l.close();
        assertTrue(accepting.get(30, TimeUnit.SECONDS) instanceof IOException);
        assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS));
        NativeException gone = assertThrows(NativeException.class, () -> UnixConnection.connect(socket()));
        assertEquals(Errno.ENOENT, gone.errno());
        assertEquals("connect(2) " + socket() + ": No such file or directory (ENOENT)", gone.getMessage());
    }

    @Test
    void closeLeavesASuccessorsSocket() throws IOException {
        UnixListener old = UnixListener.bind(socket(), null);
        Files.delete(socket());
        try (UnixListener successor = UnixListener.bind(socket(), null)) {
            old.close();
            assertTrue(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS));
            try (UnixConnection c = UnixConnection.connect(socket()); UnixConnection s = successor.accept()) {
                assertEquals(ProcessHandle.current().pid(), s.peer().pid());
            }
        }
    }

    @Test
    void aPathTooLongForSunPathIsRefusedNotCut() {
        Path deep = tmp.resolve("d".repeat(60)).resolve("s".repeat(60) + ".sock");
        NativeException e = assertThrows(NativeException.class, () -> UnixListener.bind(deep, null));
        assertEquals(Errno.ENAMETOOLONG, e.errno());
        assertFalse(Files.exists(deep.getParent()));
    }

    /** The socket's directory, made before the test binds, with {@code permissions} ("rwxr-x---"). */
    private Path existingDirectory(String permissions) throws IOException {
        Path dir = Files.createDirectory(socket().getParent());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
        return dir;
    }

    private static int currentUmask() {
        int m = Native.umask(022);
        Native.umask(m);
        return m;
    }

    private static int mode(Path p) throws IOException {
        return attr(p, "unix:mode");
    }

    private static int attr(Path p, String name) throws IOException {
        return (Integer) Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS);
    }
}
