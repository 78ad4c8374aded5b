// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dropscope.daemon.wire.Message;
import org.dropscope.daemon.wire.MessageType;
import org.dropscope.daemon.wire.WireFormat;
import org.dropscope.daemon.wire.WireFormatException;
import org.dropscope.nativeio.PeerCredentials;
import org.dropscope.nativeio.UnixConnection;

/**
 * One client of the daemon, on two threads: {@code dropscope-client-N} reads its requests and
 * answers them into its {@link ClientQueue}; {@code dropscope-send-N} writes that queue to the
 * socket, so that only this client's own thread ever waits for it. The handshake (HELLO) has a
 * read timeout; a subscribed client may stay silent (its stream is its life sign).
 */
final class Connection {
    private final Daemon daemon;
    private final int id;
    private final FrameChannel channel;
    private final ClientQueue queue;
    private final CountDownLatch sent = new CountDownLatch(1);
    private volatile PeerCredentials peer;
    /** Written on the client's reader thread; read by STATUS on others. */
    private volatile ClientStream stream;

    Connection(Daemon daemon, int id, UnixConnection socket) {
        this.daemon = daemon;
        this.id = id;
        this.channel = new FrameChannel(socket);
        this.queue = new ClientQueue(daemon.settings().queueBytes());
    }

    /** Answers a client the daemon will not serve with one ERROR, then closes it. */
    static void refuse(UnixConnection socket, int code, String text) {
        try (FrameChannel c = new FrameChannel(socket)) {
            c.send(new Message.ErrorReply(code, text));
        } catch (IOException e) {
            // It went away already.
        }
    }

    void start() {
        Thread reader = new Thread(this::serve, "dropscope-client-" + id);
        reader.setDaemon(true);
        reader.start();
    }

    /** The client's process and user, once known. */
    PeerCredentials peer() {
        return peer;
    }

    /** Events the client's stream missed, its queue full. */
    long gapEvents() {
        ClientStream s = stream;
        return s == null ? 0 : s.gapEvents();
    }

    /** The drops of those events. */
    long gapDrops() {
        ClientStream s = stream;
        return s == null ? 0 : s.gapDrops();
    }

    /** At the daemon's stop, after every stream ended: BYE after what is queued, then nothing more. */
    void farewell(String reason) {
        queue.add(new Message.Bye(reason));
        queue.close();
    }

    /** Waits up to {@code millis} for the sender to have written everything queued. */
    void awaitSent(long millis) throws InterruptedException {
        sent.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Closes the socket; the reader thread then ends and logs why. */
    void close() {
        channel.close();
    }

    private void serve() {
        String why;
        try {
            peer = channel.socket().peer();
            daemon.log("client " + id + " connected: " + peer);
            Thread sender = new Thread(this::send, "dropscope-send-" + id);
            sender.setDaemon(true);
            sender.start();
            why = converse();
        } catch (WireFormatException e) {
            queue.add(new Message.ErrorReply(e.code(), e.getMessage()));
            why = "protocol error: " + e.getMessage();
        } catch (SocketTimeoutException e) {
            queue.add(new Message.ErrorReply(WireFormat.IDLE_TIMEOUT, "nothing received for "
                    + daemon.settings().handshakeMillis() + " ms"));
            why = "silent for " + daemon.settings().handshakeMillis() + " ms";
        } catch (IOException e) {
            why = daemon.stopping() ? "daemon stopping" : e.getMessage();
        } catch (RuntimeException e) {
            queue.add(new Message.ErrorReply(WireFormat.INTERNAL, "the daemon failed: " + e));
            why = "internal error: " + e;
        }
        if (stream != null) {
            daemon.fanOut().end(stream);
        }
        queue.close();
        try {
            awaitSent(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
        daemon.ended(this);
        daemon.log("client " + id + " disconnected: " + why + (stream == null ? "" : gapNote()));
    }

    private String gapNote() {
        return stream.gaps() == 0 ? "" : "; missed " + stream.gapEvents() + " events (" + stream.gapDrops()
                + " drops) in " + stream.gaps() + " gaps, its queue full";
    }

    /** The conversation; returns why it ended. */
    private String converse() throws IOException {
        channel.socket().readTimeout(daemon.settings().handshakeMillis());
        Message first = channel.next();
        if (first == null) {
            return "closed before HELLO";
        }
        if (!(first instanceof Message.Hello hello)) {
            queue.add(new Message.ErrorReply(WireFormat.UNEXPECTED, first.type() + " before HELLO"));
            return first.type() + " before HELLO";
        }
        String mismatch = WireFormat.versionMismatch(hello, "the client");
        if (mismatch != null) {
            queue.add(new Message.ErrorReply(WireFormat.VERSION_MISMATCH, mismatch));
            return mismatch;
        }
        queue.add(Message.Hello.server(daemon.settings().software(), daemon.source().description(), peer.root()));
        while (true) {
            Message m = channel.next();
            if (m == null) {
                return "closed the connection";
            }
            if (m instanceof Message.Bye bye) {
                return "said BYE" + (bye.reason().isEmpty() ? "" : ": " + bye.reason());
            }
            String refusal = answer(m);
            if (refusal != null) {
                return refusal;
            }
        }
    }

    /** Answers one request; returns why the connection must end, or {@code null}. */
    private String answer(Message m) throws IOException {
        if (m instanceof Message.Ping p) {
            queue.add(new Message.Pong(p.token()));
        } else if (m instanceof Message.StatusRequest) {
            queue.add(daemon.status());
        } else if (m instanceof Message.Subscribe s) {
            if (stream != null) {
                queue.add(new Message.ErrorReply(WireFormat.UNEXPECTED, "SUBSCRIBE while subscribed"));
                return "SUBSCRIBE while subscribed";
            }
            if (daemon.stopping()) {
                // Its stream could not end whole: the source has stopped or is stopping.
                queue.add(new Message.ErrorReply(WireFormat.INTERNAL, "the daemon is stopping"));
                return "subscribed while the daemon stopped";
            }
            if (!s.filter().isEmpty()) {
                queue.add(new Message.ErrorReply(WireFormat.NOT_PERMITTED, "this daemon does not filter per client"
                        + " yet: give the daemon its --filter"));
                return null;
            }
            stream = daemon.newStream(queue, peer.root());
            channel.socket().readTimeout(0);
            daemon.fanOut().add(stream);
        } else if (m instanceof Message.Report r) {
            daemon.report(r, queue, peer.root());
        } else if (m instanceof Message.Unsubscribe) {
            if (stream == null) {
                queue.add(new Message.ErrorReply(WireFormat.UNEXPECTED, "UNSUBSCRIBE without SUBSCRIBE"));
                return "UNSUBSCRIBE without SUBSCRIBE";
            }
            // What the kernel wrote before the request goes into the stream before its end record;
            // the second flush wakes the reader for the pass that ends the stream (an idle reader
            // sleeps in poll(2) for seconds).
            daemon.source().flush();
            daemon.fanOut().end(stream);
            daemon.source().flush();
        } else if (m instanceof Message.Hello) {
            queue.add(new Message.ErrorReply(WireFormat.UNEXPECTED, "a second HELLO"));
            return "a second HELLO";
        } else if (m instanceof Message.Unknown u) {
            if (u.required()) {
                queue.add(new Message.ErrorReply(WireFormat.UNKNOWN_TYPE, "unknown request " + u.type()));
            }
        } else if (m.type().equals(MessageType.SET) && !peer.root()) {
            // Kernel settings are root's (docs/daemon-protocol.md, "SET"), whatever the setting.
            queue.add(new Message.ErrorReply(WireFormat.NOT_PERMITTED, "only root may change the daemon's kernel"
                    + " settings; this client is uid " + Integer.toUnsignedString(peer.uid())));
        } else if (m.type().request()) {
            queue.add(new Message.ErrorReply(WireFormat.UNKNOWN_TYPE, m.type() + " is not served by this daemon yet"));
        }
        return null;
    }

    /** The sender thread: the queue to the socket, until it is closed or the socket fails. */
    private void send() {
        try {
            for (byte[] f = queue.take(); f != null; f = queue.take()) {
                channel.write(ByteBuffer.wrap(f));
            }
        } catch (IOException e) {
            // The client went away: its reader thread sees the closed socket and says so.
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sent.countDown();
        }
    }
}
