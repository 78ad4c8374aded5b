// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.dropscope.daemon.wire.FrameEncoder;
import org.dropscope.daemon.wire.Message;

/**
 * The frames waiting to be sent to one client, encoded, in order. Adding never blocks: the
 * source's reader thread adds stream frames, and it must never wait for a client. The bound is
 * kept by the adder, which asks {@link #hasRoom} before it writes (so the queue holds at most its
 * capacity plus one record block and a few control frames); the client's sender thread takes.
 * Not final: a test sees each frame as it is added, to check what the reader does at that moment.
 */
class ClientQueue {
    /** Taken by the sender after the last frame: it then stops. */
    private static final byte[] CLOSED = new byte[0];
    private final long capacity;
    private final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    private final AtomicLong bytes = new AtomicLong();

    /** @param capacity the bytes of frames that may wait */
    ClientQueue(long capacity) {
        this.capacity = capacity;
    }

    /** Whether {@code more} bytes still fit. */
    boolean hasRoom(long more) {
        return bytes.get() + more <= capacity;
    }

    /** Bytes waiting. */
    long bytes() {
        return bytes.get();
    }

    /** Encodes {@code m} as one frame at the end of the queue. */
    void add(Message m) {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameEncoder.encode(m, buf);
            byte[] frame = ByteBufUtil.getBytes(buf);
            bytes.addAndGet(frame.length);
            frames.add(frame);
        } finally {
            buf.release();
        }
    }

    /** No frame after this one: {@link #take()} gives {@code null} once everything before was taken. */
    void close() {
        frames.add(CLOSED);
    }

    /**
     * The next frame, waiting for one; {@code null} after {@link #close()}.
     *
     * @throws InterruptedException if the sender is interrupted while waiting
     */
    byte[] take() throws InterruptedException {
        byte[] f = frames.take();
        if (f == CLOSED) {
            frames.add(CLOSED);
            return null;
        }
        bytes.addAndGet(-f.length);
        return f;
    }
}
