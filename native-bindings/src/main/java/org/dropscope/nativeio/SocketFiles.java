// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Set;

/**
 * The files around a listening socket: its directory, 0750 owner:group, and the socket, 0660
 * owner:group, each never wider than that at any moment; and a socket file left by a process
 * that died, recognised because nobody answers on it.
 *
 * <p>Permissions go through the JDK (chmod(2), chown(2), the group's id); only umask(2), which the
 * JDK lacks, through {@link Native}. A unix socket's access is its file's: connect(2) needs write
 * permission on the socket and search permission on every directory above it (unix(7)).
 */
final class SocketFiles {
    /** The umask while bind(2) creates the socket: 0777 &amp; ~0177 = 0600, owner only. */
    static final int BIND_UMASK = 0177;
    static final Set<PosixFilePermission> DIRECTORY_OWNER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-x---");
    static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-rw----");
    /** S_IFMT and S_IFSOCK, include/uapi/linux/stat.h. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path socket;
    private final Path directory;
    private final GroupPrincipal group;
    private Object boundInode;

    private SocketFiles(Path socket, GroupPrincipal group) {
        this.socket = socket;
        this.directory = socket.getParent();
        this.group = group;
    }

    /**
     * @param socket the socket's absolute path
     * @param group a group's name, or null for the group bind(2) gives (this process's)
     */
    static SocketFiles forGroup(Path socket, String group) throws IOException {
        if (group == null) {
            return new SocketFiles(socket, null);
        }
        try {
            return new SocketFiles(socket, socket.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(group));
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("no group named " + group + " (getgrnam(3)); create it or name another");
        }
    }

    /**
     * Makes the directory 0750, owned by this process's user and the group. A missing directory
     * is created 0700 and then opened to the group. An existing one must be a directory owned by
     * this user that nobody else may write in; it is changed only if it holds nothing but the
     * socket (a directory of its own: /tmp or a home is never changed), and otherwise must be
     * 0750 with the group already.
     */
    void prepareDirectory() throws IOException {
        boolean created;
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_OWNER));
            created = true;
        } catch (FileAlreadyExistsException e) {
            created = false;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!created) {
            checkExisting(view);
        }
        if (created || holdsOnlySocket()) {
            // 0700 first: the group gets the directory only once it is the right group.
            view.setPermissions(DIRECTORY_OWNER);
            giveToGroup(view, directory);
            view.setPermissions(DIRECTORY_MODE);
        } else if (!view.readAttributes().permissions().equals(DIRECTORY_MODE)
                || group != null && !group.equals(view.readAttributes().group())) {
            throw new IOException(directory + " is " + describe(view) + " and holds other files: the socket needs a"
                    + " directory of its own, 0750 with its group (" + (group == null ? "this process's" : group.getName())
                    + "); choose another path for the socket");
        }
    }

    private void checkExisting(PosixFileAttributeView view) throws IOException {
        if (!view.readAttributes().isDirectory()) {
            throw new IOException(directory + " is not a directory (a symbolic link or a file is in the way);"
                    + " remove it or choose another path for the socket");
        }
        int uid = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int self = Native.geteuid();
        if (uid != self) {
            throw new IOException(directory + " belongs to uid " + uid + ", not to this process's (uid " + self
                    + "), who could open the socket to anyone; remove it or choose another path for the socket");
        }
        // Writable by the group or others, sticky or setgid: a shared directory (/tmp), never changed.
        int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 07022) != 0) {
            throw new IOException(directory + " is " + describe(view) + ", a directory others may write in: the socket"
                    + " needs a directory of its own; choose another path for the socket");
        }
    }

    private boolean holdsOnlySocket() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                if (!p.getFileName().equals(socket.getFileName())) {
                    return false;
                }
            }
        }
        return true;
    }

    private String describe(PosixFileAttributeView view) throws IOException {
        int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        return String.format("%04o %s:%s", mode, view.readAttributes().owner().getName(),
                view.readAttributes().group().getName());
    }

    /**
     * Removes a socket file nobody answers on (connect(2) is refused: its listener is gone).
     *
     * @return whether there was one
     * @throws NativeException EADDRINUSE if a process answers on the socket
     * @throws IOException if the path is not a socket (it is left alone)
     */
    boolean removeIfStale() throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(socket + " exists and is not a socket; remove it or choose another path for the socket");
        }
        try (UnixConnection answer = UnixConnection.connect(socket)) {
            throw new NativeException("bind(2)", Errno.EADDRINUSE,
                    socket + ": a process answers on it (a dropscope daemon already running?)");
        } catch (NativeException e) {
            if (e.errno() != Errno.ECONNREFUSED || !"connect(2)".equals(e.call())) {
                throw e;
            }
        }
        Files.delete(socket);
        return true;
    }

    /**
     * After bind(2) created the socket 0600: gives it to the group, then opens it 0660.
     *
     * @return the socket file's inode, to recognise it when removing it
     */
    Object openSocketToGroup() throws IOException {
        boundInode = Files.getAttribute(socket, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        // Following links is safe here (nobody else can write in the directory) and needed: the
        // JDK's no-follow chmod opens the file first, and open(2) of a socket fails (ENXIO).
        PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
        giveToGroup(view, socket);
        view.setPermissions(SOCKET_MODE);
        return boundInode;
    }

    /**
     * Gives {@code path} to the group, if one was asked for. Root needs CAP_CHOWN for a group it
     * is not in (as a service with a bounding set, it may lack it): that failure names the call,
     * the file and the capability, where the JDK says only "Operation not permitted".
     */
    private void giveToGroup(PosixFileAttributeView view, Path path) throws IOException {
        if (group == null) {
            return;
        }
        try {
            view.setGroup(group);
        } catch (FileSystemException e) {
            if ("Operation not permitted".equals(e.getReason())) {
                throw new NativeException("chown(2)", Errno.EPERM, "of " + path + " to group " + group.getName()
                        + ", which needs CAP_CHOWN");
            }
            throw e;
        }
    }

    /** Removes the socket file if bind(2) created it here; for a bind that fails half way. */
    void removeSocketIfBound() {
        try {
            if (boundInode != null && boundInode.equals(Files.getAttribute(socket, "unix:ino", LinkOption.NOFOLLOW_LINKS))) {
                Files.delete(socket);
            }
        } catch (IOException e) {
            // nothing left to remove, or nothing this process can do
        }
    }
}
