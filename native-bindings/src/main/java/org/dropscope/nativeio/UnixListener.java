// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * A listening unix stream socket (unix(7)) at a path, bound so that nobody outside its group can
 * connect at any moment: its directory 0750 and the socket 0660, both owned by this process's user
 * and the given group ({@link SocketFiles}). Closing it removes the socket file, if it is still
 * the one this listener bound.
 *
 * <p>{@link #accept()} blocks; {@link #close()} from another thread wakes it.
 */
public final class UnixListener implements AutoCloseable {
    /** sun_path's size in struct sockaddr_un (include/uapi/linux/un.h), its terminating NUL included. */
    static final int SUN_PATH_SIZE = 108;
    private static final int BACKLOG = 64;

    private final UnixServerSocketChannel channel;
    private final Path path;
    private final Object inode;
    private final boolean removedStale;

    private UnixListener(UnixServerSocketChannel channel, Path path, Object inode, boolean removedStale) {
        this.channel = channel;
        this.path = path;
        this.inode = inode;
        this.removedStale = removedStale;
    }

    /**
     * Binds and listens at {@code socket}. Its directory is created 0750 if missing; an existing
     * one must be a directory (not a symbolic link) owned by this process's user, and is narrowed to
     * 0750. A socket file already there is removed if nobody answers on it (a stale socket left by a
     * killed process); if someone answers, nothing is touched.
     *
     * @param socket where the socket file goes
     * @param group the group given access to the directory and the socket; null for this process's group
     * @throws NativeException EADDRINUSE if a process answers on {@code socket}, or the failed call
     * @throws IOException if the directory or a file in the way is not what it must be (the message says
     *     which and why), or {@code group} does not exist
     */
    public static UnixListener bind(Path socket, String group) throws IOException {
        Path file = socket.toAbsolutePath();
        UnixSocketAddress address = address(file, "bind(2)");
        SocketFiles files = SocketFiles.forGroup(file, group);
        files.prepareDirectory();
        boolean removed = files.removeIfStale();
        UnixServerSocketChannel channel = UnixServerSocketChannel.open();
        boolean done = false;
        try {
            // The mask is the process's: while it is set every thread creates files no wider than 0600.
            int old = Native.umask(SocketFiles.BIND_UMASK);
            try {
                channel.socket().bind(address, BACKLOG);
            } catch (IOException e) {
                int errno = Native.errno();
                throw new NativeException("bind(2)", errno, file.toString());
            } finally {
                Native.umask(old);
            }
            Object inode = files.openSocketToGroup();
            done = true;
            return new UnixListener(channel, file, inode, removed);
        } finally {
            if (!done) {
                channel.close();
                files.removeSocketIfBound();
            }
        }
    }

    /**
     * Waits for a client and accepts it.
     *
     * @throws java.nio.channels.ClosedChannelException (an IOException) once {@link #close()} was called
     */
    public UnixConnection accept() throws IOException {
        return new UnixConnection(channel.accept(), path.toString());
    }

    /** The socket file's path, absolute. */
    public Path path() {
        return path;
    }

    /** Whether binding removed a stale socket file nobody answered on. */
    public boolean removedStale() {
        return removedStale;
    }

    /**
     * Stops listening, waking a thread blocked in {@link #accept()}, and removes the socket file if
     * it is still the one bound here (a successor's is left alone). Connections accepted before stay
     * open. Later calls do nothing.
     */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // shutdown(2) or close(2) failing leaves nothing this process could repair.
        }
        try {
            if (inode.equals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS))) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            // left behind: the next bind finds it stale and removes it
        }
    }

    /** The address of {@code socket}, which must fit sun_path; {@code call} names the call for the error. */
    static UnixSocketAddress address(Path socket, String call) throws NativeException {
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length >= SUN_PATH_SIZE || socket.toString().indexOf('\0') >= 0) {
            // jnr-unixsocket would cut the path short silently and bind or connect elsewhere.
            throw new NativeException(call, Errno.ENAMETOOLONG,
                    socket + " (" + length + " bytes; a unix socket path has at most " + (SUN_PATH_SIZE - 1) + ")");
        }
        return new UnixSocketAddress(socket.toString());
    }

    @Override
    public String toString() {
        return "UnixListener[" + path + ']';
    }
}
