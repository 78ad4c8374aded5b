// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.OutputStream;
import java.util.Arrays;
import org.dropscope.daemon.wire.Message;

/**
 * The stream a client's {@code RecordWriter} writes into: each write cut into STREAM frames of at
 * most {@link #MAX_CHUNK} bytes at the end of the client's queue. It never blocks and never fails;
 * the bound is the {@link ClientStream}'s to keep.
 */
final class FrameOutput extends OutputStream {
    /** Payload bytes per STREAM frame: a quarter of the 1 MiB frame limit. */
    static final int MAX_CHUNK = 256 << 10;
    private final ClientQueue queue;

    FrameOutput(ClientQueue queue) {
        this.queue = queue;
    }

    @Override
    public void write(int b) {
        queue.add(new Message.Stream(new byte[] {(byte) b}));
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int p = off; p < off + len; p += MAX_CHUNK) {
            queue.add(new Message.Stream(Arrays.copyOfRange(b, p, Math.min(off + len, p + MAX_CHUNK))));
        }
    }
}
