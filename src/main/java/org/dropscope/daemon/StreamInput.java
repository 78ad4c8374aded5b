// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.io.InputStream;
import org.dropscope.daemon.wire.Message;

/**
 * The record-file bytes of the daemon's STREAM frames as one {@link InputStream}, for the one
 * {@code RecordReader}. It ends at the daemon's BYE or ERROR or a closed connection; GAP frames
 * are counted. Before it waits for the next frame it runs {@code beforeWait}, so that the reader
 * can close its aggregator batch (a batch must never stay open while the stream is idle).
 */
final class StreamInput extends InputStream {
    private final DaemonClient client;
    private final Runnable beforeWait;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;
    private volatile String error;
    /** The daemon's BYE reason, once it said BYE. */
    private volatile String bye;
    private volatile long gapEvents;
    private volatile long gapDrops;
    private Copy copy = (b, off, len) -> { };

    /** Where the bytes read also go ({@code record --connect}'s file). */
    interface Copy {
        void write(byte[] b, int off, int len) throws IOException;
    }

    StreamInput(DaemonClient client, Runnable beforeWait) {
        this.client = client;
        this.beforeWait = beforeWait;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == current.length) {
            if (ended) {
                return -1;
            }
            beforeWait.run();
            Message m = client.next();
            if (m instanceof Message.Stream s) {
                current = s.bytes();
                position = 0;
            } else if (m instanceof Message.Gap g) {
                gapEvents += g.events();
                gapDrops += g.drops();
            } else if (m instanceof Message.ErrorReply e) {
                error = DaemonClient.unexpected(client.socket(), e).getMessage();
                ended = true;
            } else if (m == null || m instanceof Message.Bye) {
                bye = m == null ? null : ((Message.Bye) m).reason();
                ended = true;
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        copy.write(b, off, n);
        return n;
    }

    /** Writes every byte read to {@code copy} as well, before the reader gets it. */
    void copyTo(Copy copy) {
        this.copy = copy;
    }

    /** The daemon's ERROR as a line, or {@code null}. */
    String error() {
        return error;
    }

    /** Reads and drops what is left up to the daemon's BYE, ERROR or the connection's close; no failure. */
    void drain() {
        try {
            byte[] rest = new byte[1 << 12];
            while (read(rest, 0, rest.length) >= 0) {
                // Nothing follows an end record but BYE.
            }
        } catch (IOException e) {
            ended = true;
        }
    }

    /** The reason of the daemon's BYE, or {@code null} if it said none (yet, or ever). */
    String bye() {
        return bye;
    }

    /** Events the daemon could not send (this client's queue was full), from its GAP frames. */
    long gapEvents() {
        return gapEvents;
    }

    /** The drops of those events. */
    long gapDrops() {
        return gapDrops;
    }
}
