// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.dropscope.daemon.wire.FrameDecoder;
import org.dropscope.daemon.wire.FrameEncoder;
import org.dropscope.daemon.wire.Message;
import org.dropscope.nativeio.UnixConnection;

/**
 * Messages over one connected unix socket, both sides of the protocol: {@link #next()} reads
 * frames through the one {@link FrameDecoder}, {@link #send} writes one frame through the one
 * {@link FrameEncoder}. One thread reads; sends from several threads are serialised.
 */
final class FrameChannel implements AutoCloseable {
    private static final int READ_BYTES = 64 << 10;
    private final UnixConnection socket;
    private final FrameDecoder decoder = new FrameDecoder();
    private final ByteBuf in = Unpooled.buffer(READ_BYTES);
    private final ByteBuffer chunk = ByteBuffer.allocate(READ_BYTES);

    FrameChannel(UnixConnection socket) {
        this.socket = socket;
    }

    /** The socket, for its peer and its read timeout. */
    UnixConnection socket() {
        return socket;
    }

    /**
     * The next message, waiting for it.
     *
     * @return the message, or {@code null} at end of stream (the peer closed)
     * @throws org.dropscope.daemon.wire.WireFormatException for a frame that breaks the protocol
     * @throws java.net.SocketTimeoutException when the read timeout passed
     */
    Message next() throws IOException {
        while (true) {
            Message m = decoder.decode(in);
            if (m != null) {
                if (!in.isReadable()) {
                    in.clear();
                }
                return m;
            }
            in.discardReadBytes();
            chunk.clear();
            int n = socket.read(chunk);
            if (n < 0) {
                return null;
            }
            chunk.flip();
            in.writeBytes(chunk);
        }
    }

    /** Writes {@code m} as one frame, blocking while the socket is full. */
    void send(Message m) throws IOException {
        ByteBuf out = Unpooled.buffer();
        try {
            FrameEncoder.encode(m, out);
            write(out.nioBuffer());
        } finally {
            out.release();
        }
    }

    /** Writes one encoded frame. */
    synchronized void write(ByteBuffer frame) throws IOException {
        socket.write(frame);
    }

    /** Closes the socket, waking a reader blocked in {@link #next()} (which then sees end of stream). */
    @Override
    public void close() {
        // The read buffer is on the heap, the reader may still hold it: the collector frees it.
        socket.close();
    }
}
