// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.dropscope.daemon.wire.Message;
import org.dropscope.daemon.wire.MessageType;
import org.dropscope.daemon.wire.WireFormat;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NativeException;
import org.dropscope.nativeio.UnixConnection;
import org.dropscope.source.SourceException;

/**
 * A client's connection to the daemon, past the handshake: connected, HELLO said and answered.
 * Its failures are {@link SourceException}s whose kind gives the command's exit code: the socket's
 * permissions refuse this user ({@code NO_PERMISSION}), nobody answers on the socket, another
 * major version, or the daemon's ERROR ({@code SYSTEM}).
 */
public final class DaemonClient implements AutoCloseable {
    /** The daemon's socket unless told otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/dropscope/dropscope.sock");

    private final FrameChannel channel;
    private final Path socket;
    private final Message.Hello daemonHello;

    private DaemonClient(FrameChannel channel, Path socket, Message.Hello daemonHello) {
        this.channel = channel;
        this.socket = socket;
        this.daemonHello = daemonHello;
    }

    /**
     * Connects and says HELLO.
     *
     * @param want {@code Message.WANT_*} bits
     * @param software what this client is, {@code "dropscope 0.1.0"}
     */
    public static DaemonClient connect(Path socket, int want, String software) throws SourceException {
        UnixConnection c;
        try {
            c = UnixConnection.connect(socket);
        } catch (NativeException e) {
            throw refused(socket, e);
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot connect to the daemon at " + socket + ": "
                    + e.getMessage(), e);
        }
        FrameChannel channel = new FrameChannel(c);
        try {
            try {
                channel.send(Message.Hello.client(software, want));
            } catch (IOException e) {
                // A daemon that refuses (too many clients) answers and closes before HELLO arrives: its
                // ERROR is still there to read, and says more than EPIPE.
                Message m = channel.next();
                if (m instanceof Message.ErrorReply) {
                    throw unexpected(socket, m);
                }
                throw e;
            }
            Message m = channel.next();
            if (m instanceof Message.Hello hello) {
                String mismatch = WireFormat.versionMismatch(hello, "the daemon");
                if (mismatch != null) {
                    throw new SourceException(SourceException.Kind.SYSTEM, mismatch);
                }
                return new DaemonClient(channel, socket, hello);
            }
            throw unexpected(socket, m);
        } catch (IOException e) {
            channel.close();
            throw new SourceException(SourceException.Kind.SYSTEM, "the daemon at " + socket + " failed: "
                    + e.getMessage(), e);
        } catch (SourceException e) {
            channel.close();
            throw e;
        }
    }

    private static SourceException refused(Path socket, NativeException e) {
        if (e.errno() == Errno.EACCES) {
            return new SourceException(SourceException.Kind.NO_PERMISSION, "the daemon's socket " + socket
                    + " refuses this user (connect(2): EACCES): its group may connect; ask to be added to it", e);
        }
        if (e.errno() == Errno.ENOENT || e.errno() == Errno.ECONNREFUSED) {
            return new SourceException(SourceException.Kind.SYSTEM, "no dropscope daemon answers on " + socket
                    + " (connect(2): " + e.errnoName() + "): start one as root with dropscope daemon --socket "
                    + socket, e);
        }
        return new SourceException(SourceException.Kind.SYSTEM, "cannot connect to the daemon: " + e.getMessage(), e);
    }

    /** The error for a message where another belongs: the daemon's ERROR, or what came instead. */
    static SourceException unexpected(Path socket, Message m) {
        if (m instanceof Message.ErrorReply e) {
            return new SourceException(SourceException.Kind.SYSTEM, "the daemon at " + socket + " refused: " + e.text()
                    + " (" + WireFormat.errorName(e.code()) + ")");
        }
        return new SourceException(SourceException.Kind.SYSTEM, "the daemon at " + socket
                + (m == null ? " closed the connection" : " sent " + m.type() + " where its answer belongs"));
    }

    /** The daemon's HELLO: its source, whether this client is privileged. */
    public Message.Hello daemonHello() {
        return daemonHello;
    }

    /** The socket connected to. */
    public Path socket() {
        return socket;
    }

    /** Sends one message. */
    public void send(Message m) throws IOException {
        channel.send(m);
    }

    /** The next message from the daemon; {@code null} once it closed the connection. */
    public Message next() throws IOException {
        return channel.next();
    }

    /** Asks for the daemon's STATUS and waits for it. */
    public Message.Status status() throws SourceException {
        Message m = request(new Message.StatusRequest());
        if (m instanceof Message.Status s) {
            return s;
        }
        throw unexpected(socket, m);
    }

    /** Sends a request and returns the daemon's answer, PONGs skipped. */
    private Message request(Message request) throws SourceException {
        try {
            send(request);
            Message m = next();
            while (m instanceof Message.Pong) {
                m = next();
            }
            return m;
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "the daemon at " + socket + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Asks the daemon to change a kernel setting (SET, docs/daemon-protocol.md) and waits for its
     * answer: {@code null} when it took it, else its refusal as one line.
     *
     * @param setting the setting as the shell's {@code set} takes it: {@code "alertmode packet"}
     */
    public String set(String setting) throws SourceException {
        Message m = request(new Message.Opaque(MessageType.SET, setting.getBytes(StandardCharsets.UTF_8)));
        if (m instanceof Message.ErrorReply e) {
            return e.text() + " (" + WireFormat.errorName(e.code()) + ")";
        }
        if (m instanceof Message.Opaque o && o.type().equals(MessageType.SET)) {
            return null;
        }
        throw unexpected(socket, m);
    }

    /** Says BYE (if the socket still takes it) and closes. */
    @Override
    public void close() {
        try {
            channel.send(new Message.Bye(""));
        } catch (IOException e) {
            // The daemon went away first.
        }
        channel.close();
    }
}
