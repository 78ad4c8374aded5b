// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dropscope.nativeio.PeerCredentials;
import org.dropscope.nativeio.UnixConnection;
import org.dropscope.nativeio.UnixListener;
import org.dropscope.testing.KernelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's socket as the kernel guards it: bound by root for the group {@code nogroup}, a
 * client run as user nobody in that group connects (and the daemon sees its uid, gid and pid),
 * while nobody in another group is refused by the socket's permissions (EACCES) before the daemon
 * sees anything. The clients are real processes under setpriv.
 */
@Tag("kernel")
class UnixSocketAccessIT {
    private static final int NOBODY = 65534;
    private static final int NOGROUP = 65534;
    /** The group "daemon" of Debian's base-passwd: any group but nogroup will do. */
    private static final int OTHER_GROUP = 1;

    @TempDir
    Path tmp;

    private Path socket;
    private UnixListener listener;
    private Path classpath;

    @BeforeAll
    static void requirements() {
        KernelTestSupport.requireRoot();
        KernelTestSupport.require(Commands.succeeds("setpriv", "--version"), "setpriv (util-linux) is needed");
    }

    @BeforeEach
    void bind() throws IOException {
        // @TempDir is 0700; the socket's own directory below it is what must keep others out.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = tmp.resolve("run").resolve("dropscope.sock");
        listener = UnixListener.bind(socket, "nogroup");
        classpath = probeClasspath();
    }

    @AfterEach
    void close() {
        listener.close();
    }

    @Test
    void aUserInTheGroupConnectsAndIsKnownByItsIds() throws Exception {
        CompletableFuture<PeerCredentials> accepted = acceptOne();
        Commands.Result r = Commands.run(asNobody(NOGROUP));
        assertEquals(0, r.exit(), r.describe());
        assertEquals("connected", r.stdout().trim(), r.describe());
        PeerCredentials peer = accepted.get(30, TimeUnit.SECONDS);
        assertEquals(NOBODY, peer.uid());
        assertEquals(NOGROUP, peer.gid());
    }

    @Test
    void aUserOutsideTheGroupIsRefusedByThePermissions() throws Exception {
        CompletableFuture<PeerCredentials> accepted = acceptOne();
        Commands.Result r = Commands.run(asNobody(OTHER_GROUP));
        assertEquals(3, r.exit(), r.describe());
        assertEquals("refused EACCES connect(2) " + socket + ": Permission denied (EACCES)", r.stdout().trim(),
                r.describe());
        // The refused attempt never reached the listener: the first connection it accepts is root's own.
        try (UnixConnection root = UnixConnection.connect(socket)) {
            assertEquals(ProcessHandle.current().pid(), accepted.get(30, TimeUnit.SECONDS).pid());
        }
    }

    private CompletableFuture<PeerCredentials> acceptOne() {
        return CompletableFuture.supplyAsync(() -> {
            try (UnixConnection c = listener.accept()) {
                return c.peer();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private List<String> asNobody(int gid) {
        return Commands.concat(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + gid, "--clear-groups", "--"),
                ChildJvm.java("-cp", classpath.resolve("dropscope.jar") + File.pathSeparator + classpath.resolve("classes"),
                        UnixConnectProbe.class.getName(), socket.toString()));
    }

    /** The dropscope jar and the probe's class where user nobody can read them. */
    private static Path probeClasspath() throws IOException {
        Path jar = ShellProcess.jarForAnyUser();
        Path dir = jar.getParent();
        String name = UnixConnectProbe.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve("classes").resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            Files.copy(ChildJvm.testClasses().resolve(name), target);
            List<Path> made = new ArrayList<>();
            for (Path p = target; !p.equals(dir); p = p.getParent()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                made.add(0, p);
            }
            // Deleted at exit in the reverse order of registration: the class file first, its directories after.
            made.forEach(p -> p.toFile().deleteOnExit());
        }
        return dir;
    }
}
