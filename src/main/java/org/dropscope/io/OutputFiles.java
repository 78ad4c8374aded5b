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
 *   <li>A symbolic link as the last part of the path is refused ({@code O_NOFOLLOW}, so the
 *       kernel refuses it in the same call that opens; {@link SymbolicLinkException}): a link
 *       planted where a root process writes could make it overwrite any file. Links in the
 *       directories above are followed.</li>
 *   <li>{@code /dev/stdout}, {@code /dev/stderr}, {@code /dev/fd/N} and
 *       {@code /proc/self/fd/N} name descriptors dropscope was given (a shell's redirection or
 *       process substitution): they are opened through {@code /proc/self/fd/N}, appended to, and
 *       neither truncated nor changed.</li>
 * </ul>
 *
 * <p>{@code O_CREAT} is passed on every open, also of a file that exists, so that the kernel's
 * protections for world-writable sticky directories such as /tmp ({@code fs.protected_regular},
 * {@code fs.protected_fifos}) refuse another user's file planted there.
 */
public final class OutputFiles {
    /** rw-------: the mode of every file dropscope creates. */
    public static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-------");

    private static final Set<OpenOption> OPEN = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
    private static final Pattern DESCRIPTOR = Pattern.compile("/(?:dev/fd|proc/self/fd)/(\\d{1,9})");

    private OutputFiles() {
    }

    /** A symbolic link where dropscope was to write a file: refused, the link and its target untouched. */
    public static final class SymbolicLinkException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        SymbolicLinkException(Path path) {
            super(path.toString(), null, "it is a symbolic link, which dropscope does not follow to write (a link"
                    + " could lead a root process to overwrite any file): name the file itself, or - for standard"
                    + " output");
        }
    }

    /**
     * Opens {@code path} for writing under the policy above and returns an unbuffered stream:
     * each {@code write} is one write(2), so a process killed mid-way leaves every byte it wrote.
     *
     * @throws SymbolicLinkException if the path's last part is a symbolic link
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
        try {
            return FileChannel.open(path, OPEN, PosixFilePermissions.asFileAttribute(MODE));
        } catch (IOException e) {
            // ELOOP, which O_NOFOLLOW gives for a link (a plain IOException in JDK 17); said in
            // words only when the path is one.
            if (Files.isSymbolicLink(path)) {
                SymbolicLinkException link = new SymbolicLinkException(path);
                link.initCause(e);
                throw link;
            }
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
