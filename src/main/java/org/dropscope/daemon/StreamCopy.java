// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.dropscope.daemon.wire.Message;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordReader;
import org.dropscope.source.SourceException;

/**
 * The daemon's event stream copied byte for byte into a record file: what {@code record --connect}
 * writes. The stream already is a record file (docs/daemon-protocol.md, "The stream"), so nothing
 * is re-encoded: its gap records and the daemon's header properties stay as the daemon wrote them.
 * The bytes pass through the one {@link RecordReader} on their way, which checks every block and
 * finds the end record, so that the copy ends exactly there and says whether it is whole.
 */
public final class StreamCopy implements AutoCloseable {
    private final DaemonClient client;
    private final StreamInput input;
    private final AtomicBoolean stopAsked = new AtomicBoolean();
    private IOException writeFailure;
    private long bytes;

    private StreamCopy(DaemonClient client) {
        this.client = client;
        this.input = new StreamInput(client, () -> { });
    }

    /**
     * Connects to the daemon at {@code socket} and subscribes.
     *
     * @param software what this client is, for the daemon's log
     * @throws SourceException see {@link DaemonClient}
     */
    public static StreamCopy open(Path socket, String software) throws SourceException {
        return ask(socket, software, Message.WANT_STREAM, new Message.Subscribe(""));
    }

    /**
     * Connects to the daemon at {@code socket} and asks for its flight recorder's drops in a time
     * range (REPORT): a stream that ends with its end record once they are sent.
     */
    public static StreamCopy report(Path socket, String software, long sinceEpochNanos, long untilEpochNanos)
            throws SourceException {
        return ask(socket, software, Message.WANT_REPORT, new Message.Report(sinceEpochNanos, untilEpochNanos));
    }

    private static StreamCopy ask(Path socket, String software, int want, Message request) throws SourceException {
        DaemonClient client = DaemonClient.connect(socket, want, software);
        try {
            client.send(request);
        } catch (IOException e) {
            client.close();
            throw new SourceException(SourceException.Kind.SYSTEM, "the daemon at " + socket + " failed: "
                    + e.getMessage(), e);
        }
        return new StreamCopy(client);
    }

    /**
     * Copies the stream into {@code out} until its end record (after {@link #requestStop}, or when
     * the daemon stops), the daemon's ERROR, or a connection that closes; {@code onHeader} runs
     * once the file header is written.
     *
     * @return what the stream held; {@link ReadResult#complete()} when it ended with its end record
     * @throws IOException writing {@code out} failed ({@link #writeFailure()} is then this
     *     exception), or the connection failed
     */
    public ReadResult copyTo(OutputStream out, Consumer<RecordHeader> onHeader) throws IOException {
        input.copyTo((b, off, len) -> {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                writeFailure = e;
                throw e;
            }
            bytes += len;
        });
        RecordReader reader = new RecordReader(input);
        RecordHeader header = reader.header();
        flush(out);
        onHeader.accept(header);
        ReadResult r = reader.read(event -> { });
        flush(out);
        return r;
    }

    private void flush(OutputStream out) throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            writeFailure = e;
            throw e;
        }
    }

    /** Asks the daemon to end the stream (UNSUBSCRIBE); any thread, any number of times. */
    public void requestStop() {
        if (stopAsked.compareAndSet(false, true)) {
            try {
                client.send(new Message.Unsubscribe());
            } catch (IOException e) {
                // The daemon went away: the copy sees the end of the connection.
            }
        }
    }

    /** The exception writing the output threw, or {@code null}. */
    public IOException writeFailure() {
        return writeFailure;
    }

    /** The daemon's ERROR as one line, or {@code null}. */
    public String error() {
        return input.error();
    }

    /** Bytes copied into the output. */
    public long bytes() {
        return bytes;
    }

    /** Events the daemon could not send (this client's queue was full), from its GAP frames. */
    public long gapEvents() {
        return input.gapEvents();
    }

    /** The drops of those events. */
    public long gapDrops() {
        return input.gapDrops();
    }

    /** The socket connected to. */
    public Path socket() {
        return client.socket();
    }

    /** Says BYE and closes the connection. */
    @Override
    public void close() {
        client.close();
    }
}
