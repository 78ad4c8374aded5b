// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import jnr.unixsocket.Credentials;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import jnr.unixsocket.UnixSocketOptions;

/**
 * A connected unix stream socket (unix(7)), blocking, from {@link UnixListener#accept()} or
 * {@link #connect(Path)}. One thread may read while another writes; {@link #close()} from any
 * thread wakes a reader blocked in {@link #read(ByteBuffer)}, which then sees end of stream.
 */
public final class UnixConnection implements AutoCloseable {
    private final UnixSocketChannel channel;
    private final String name;
    private volatile int readTimeoutMillis;

    UnixConnection(UnixSocketChannel channel, String name) {
        this.channel = channel;
        this.name = name;
    }

    /**
     * Connects to the socket file at {@code socket}.
     *
     * @throws NativeException from connect(2): ENOENT (no such file), ECONNREFUSED (a file nobody
     *     listens on: a stale socket), EACCES (the file's or a directory's permissions refuse this
     *     user), ENOTSOCK or ECONNREFUSED for a file that is no socket
     */
    public static UnixConnection connect(Path socket) throws IOException {
        UnixSocketAddress address = UnixListener.address(socket, "connect(2)");
        UnixSocketChannel channel = UnixSocketChannel.create();
        try {
            channel.connect(address);
        } catch (IOException e) {
            // jnr-unixsocket says only strerror's text; the errno it read is still this thread's last.
            int errno = Native.errno();
            channel.close();
            throw new NativeException("connect(2)", errno, socket.toString());
        }
        return new UnixConnection(channel, socket.toString());
    }

    /** The peer's process and user, as the kernel recorded them at connect(2) (SO_PEERCRED). */
    public PeerCredentials peer() throws IOException {
        Credentials c;
        try {
            c = channel.getOption(UnixSocketOptions.SO_PEERCRED);
        } catch (UnsupportedOperationException e) {
            // jnr-unixsocket's way of saying getsockopt(2) failed.
            throw new NativeException("getsockopt(2)", Native.errno(), "SO_PEERCRED " + name);
        }
        return new PeerCredentials(c.getPid(), c.getUid(), c.getGid());
    }

    /**
     * How long {@link #read(ByteBuffer)} waits for data before it throws (SO_RCVTIMEO).
     *
     * @param millis 0 to wait forever
     */
    public void readTimeout(int millis) throws IOException {
        if (millis < 0) {
            throw new IllegalArgumentException("read timeout " + millis + " ms");
        }
        channel.setOption(UnixSocketOptions.SO_RCVTIMEO, millis);
        readTimeoutMillis = millis;
    }

    /**
     * Reads what has arrived into {@code dst} from its position, at least one byte, blocking until
     * some arrives.
     *
     * @return the number of bytes read, or -1 at end of stream (the peer closed or shut down)
     * @throws SocketTimeoutException if the read timeout passed without a byte
     * @throws NativeException for any other failure of read(2), ECONNRESET among them
     */
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        for (;;) {
            int n;
            try {
                n = channel.read(dst);
            } catch (jnr.enxio.channels.NativeException e) {
                if (e.getErrno().intValue() == Errno.EINTR) {
                    // A signal cut a read with a timeout short (signal(7): never restarted); nothing was consumed.
                    continue;
                }
                throw new NativeException("read(2)", e.getErrno().intValue(), name);
            }
            if (n == 0) {
                // jnr-unixsocket reports EAGAIN, which a blocking socket gives only when SO_RCVTIMEO ran out, as 0.
                throw new SocketTimeoutException("read(2) " + name + ": nothing for " + readTimeoutMillis + " ms");
            }
            return n;
        }
    }

    /** Writes all of {@code src}, from its position to its limit, blocking while the socket is full. */
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            try {
                channel.write(src);
            } catch (jnr.enxio.channels.NativeException e) {
                if (e.getErrno().intValue() != Errno.EINTR) {
                    throw new NativeException("write(2)", e.getErrno().intValue(), name);
                }
            }
        }
    }

    /** Shuts the socket down both ways, waking a blocked reader, and closes it; later calls do nothing. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // shutdown(2) or close(2) failing leaves nothing this process could repair.
        }
    }

    @Override
    public String toString() {
        return "UnixConnection[" + name + ']';
    }
}
