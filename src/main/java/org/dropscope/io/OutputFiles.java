// SPDX-License-Identifier: Apache-2.0
package org.dropscope.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opening a file dropscope writes (a recording, a pcap, a flame graph, a ready file): one policy
 * for every command, because {@code record} and {@code dump} run as root.
 *
 * <ul>
 *   <li>A file that does not exist is created with mode 0600 by the open(2) that creates it
 *       ({@code O_CREAT}, mode 0600): never wider, not even for a moment.</li>
 *   <li>A file that exists is written as it is: a regular file is truncated, a device
 *       ({@code /dev/null}) or a FIFO is written to (a FIFO's open waits for its reader, as the
 *       shell's {@code >} does). Its mode and owner are never changed, whoever owns it.</li>
 *   <li>A symbolic link as the last part of the path is refused ({@code O_NOFOLLOW}: the kernel
 *       refuses it in the same call that opens), and so is a regular file with more than one
 *       name (a hard link): either, planted where a root process writes, could make it overwrite
 *       any file. Both are {@link RefusedException}s and leave the file and its target as they
 *       were. Links in the directories above are followed.</li>
 *   <li>{@code /dev/stdout}, {@code /dev/stderr}, {@code /dev/fd/N} and
 *       {@code /proc/self/fd/N} name descriptors dropscope was given (a shell's redirection or
 *       process substitution): they are opened through {@code /proc/self/fd/N}, appended to, and
 *       neither truncated nor changed.</li>
 * </ul>
 *
 * <p>{@code O_CREAT} is passed on every open, also of a file that exists, so that the kernel's
 * protections for world-writable sticky directories such as /tmp ({@code fs.protected_regular},
 * {@code fs.protected_fifos}) refuse another user's file planted there.
 *
 * <p>The file is opened without {@code O_TRUNC} and looked at by name ({@code lstat}) before it
 * is truncated through the descriptor. Java gives no fstat(2) of an open channel, so this relies
 * on no other user renaming the entry in between: true in root's own directories and in sticky
 * ones such as /tmp (another user can rename only entries whose file they own, and what they can
 * put there is theirs, a hard link or a symbolic link: the last two are refused). A directory
 * that another user may write without the sticky bit is theirs to rearrange, and no check by
 * name protects a root process writing there.
 */
public final class OutputFiles {
    /** rw-------: the mode of every file dropscope creates. */
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-------");

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final Set<OpenOption> OPEN = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
            LinkOption.NOFOLLOW_LINKS);
    private static final Pattern DESCRIPTOR = Pattern.compile("/(?:dev/fd|proc/self/fd)/(\\d{1,9})");
    private static final String WHY = " (planted where a root process writes, it could make it overwrite any"
            + " file): ";

    private OutputFiles() {
    }

    /** A path dropscope refuses to write through: nothing was written, nothing changed. */
    public static final class RefusedException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        RefusedException(Path path, String reason) {
            super(path.toString(), null, reason);
        }
    }

    /**
     * Opens {@code path} for writing under the policy above and returns an unbuffered stream:
     * each {@code write} is one write(2), so a process killed mid-way leaves every byte it wrote.
     *
     * @throws RefusedException if the path is a symbolic link or a file with hard links
     * @throws IOException if it cannot be opened otherwise (no such directory, a directory,
     *     permission denied)
     */
    public static OutputStream open(Path path) throws IOException {
        return Channels.newOutputStream(channel(path));
    }

    /** {@link #open(Path)}, as a channel. */
    public static FileChannel channel(Path path) throws IOException {
        OptionalInt fd = descriptor(path);
        if (fd.isPresent()) {
            return FileChannel.open(Path.of("/proc/self/fd/" + fd.getAsInt()), StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, OPEN, PosixFilePermissions.asFileAttribute(MODE));
        } catch (IOException e) {
            // ELOOP, which O_NOFOLLOW gives for a link (a plain IOException in JDK 17); said in
            // words only when the path is one.
            if (Files.isSymbolicLink(path)) {
                RefusedException link = new RefusedException(path, "it is a symbolic link, which dropscope does"
                        + " not follow to write" + WHY + "name the file itself, or /dev/stdout for standard output");
                link.initCause(e);
                throw link;
            }
            throw e;
        }
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,nlink", LinkOption.NOFOLLOW_LINKS);
            if (((Integer) a.get("mode") & S_IFMT) == S_IFREG) {
                int links = (Integer) a.get("nlink");
                if (links > 1) {
                    throw new RefusedException(path, "it has " + links + " names (hard links), and dropscope"
                            + " truncates no file that has another" + WHY + "remove it, or name another file");
                }
                ch.truncate(0);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
    /**
     * The descriptor {@code path} names: 1 for {@code /dev/stdout}, 2 for {@code /dev/stderr},
     * N for {@code /dev/fd/N} and {@code /proc/self/fd/N}; empty for any other path.
     */
    static OptionalInt descriptor(Path path) {
        String p = path.toAbsolutePath().normalize().toString();
        if (p.equals("/dev/stdout")) {
            return OptionalInt.of(1);
        }
        if (p.equals("/dev/stderr")) {
            return OptionalInt.of(2);
        }
        Matcher m = DESCRIPTOR.matcher(p);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }
}
