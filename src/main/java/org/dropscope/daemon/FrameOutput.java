// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dropscope.daemon.wire.Message;

/**
 * The stream a client's {@code RecordWriter} writes into: each write cut into STREAM frames of at
 * most {@link #MAX_CHUNK} bytes at the end of the client's queue. It never blocks and never fails;
 * the bound is the {@link ClientStream}'s to keep.
 *
 * <p>It holds its frames back until {@link #release()}: the stream's header must not reach the
 * client before the stream gets the source's events, or a client that starts its traffic once
 * subscribed would miss drops.
 */
final class FrameOutput extends OutputStream {
    /** Payload bytes per STREAM frame: a quarter of the 1 MiB frame limit. */
    static final int MAX_CHUNK = 256 << 10;
    private final ClientQueue queue;
    /** Frames held back until {@link #release()}, then null. */
    private List<Message> held = new ArrayList<>();

    FrameOutput(ClientQueue queue) {
        this.queue = queue;
    }

    @Override
    public void write(int b) {
        add(new Message.Stream(new byte[] {(byte) b}));
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int p = off; p < off + len; p += MAX_CHUNK) {
            add(new Message.Stream(Arrays.copyOfRange(b, p, Math.min(off + len, p + MAX_CHUNK))));
        }
    }

    private synchronized void add(Message m) {
        if (held != null) {
            held.add(m);
        } else {
            queue.add(m);
        }
    }

    /** From now on frames go to the queue, the held ones first. */
    synchronized void release() {
        if (held != null) {
            held.forEach(queue::add);
            held = null;
        }
    }
}
