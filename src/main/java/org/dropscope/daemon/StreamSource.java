// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.daemon.wire.Message;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.DropNames;
import org.dropscope.record.NameKind;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordReader;
import org.dropscope.record.RecordVisitor;
import org.dropscope.source.DropSource;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFacts;

/**
 * The daemon's event stream as a {@link DropSource}: what {@code top --connect} monitors instead
 * of a kernel session. Opening connects and subscribes, and reads the stream's header (the
 * daemon's source, its CPUs); {@link #start} reads the stream with the one {@link RecordReader}
 * on its own thread into the aggregator; {@link #stop} asks the daemon to end the stream
 * (UNSUBSCRIBE: the daemon first reads what its kernel source holds) and returns once the end
 * record came, so that the aggregator then has every drop of the subscription. Names come from
 * the stream ({@link #names()}), not from this machine's kallsyms.
 */
public final class StreamSource implements DropSource {
    private static final long STOP_MILLIS = 30_000;
    private final DaemonClient client;
    private final RecordReader reader;
    private final RecordHeader header;
    private final StreamInput input;
    private final SharedNames names = new SharedNames();
    private DropSink writer;
    private boolean inBatch;
    private Thread thread;
    private volatile ReadResult result;
    private volatile IOException failure;
    /** Set by {@link #stop} before it asks the daemon to end the stream. */
    private volatile boolean stopAsked;
    /** Set when the stream ended without {@link #stop}: the daemon stopped or went away. */
    private volatile boolean endedUnasked;
    private volatile Runnable onEnd = () -> { };

    private StreamSource(DaemonClient client) throws IOException {
        this.client = client;
        this.input = new StreamInput(client, this::endBatch);
        this.reader = new RecordReader(input);
        client.send(new Message.Subscribe(""));
        this.header = reader.header();
    }

    /**
     * Connects to the daemon at {@code socket} and subscribes.
     *
     * @param software what this client is, for the daemon's log
     * @throws SourceException see {@link DaemonClient}; a stream that does not begin with a record
     *     file header ({@code BAD_INPUT})
     */
    public static StreamSource open(Path socket, String software) throws SourceException {
        DaemonClient client = DaemonClient.connect(socket, Message.WANT_STREAM, software);
        try {
            return new StreamSource(client);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw new SourceException(SourceException.Kind.BAD_INPUT, "the daemon at " + socket
                    + " sent no stream: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    @Override
    public String description() {
        return header.sourceDescription();
    }

    /** The names the stream carries: symbols, stacks, reasons and traps as the daemon's machine names them. */
    @Override
    public DropNames names() {
        return names;
    }

    /** The daemon's CPUs and the gap CPU (docs/daemon-protocol.md). */
    @Override
    public int cpus() {
        return header.cpus();
    }

    @Override
    public SourceFacts facts() throws SourceException {
        throw new SourceException(SourceException.Kind.NO_KERNEL_FEATURE, "recording from the daemon's stream"
                + " (record --connect) is not built yet");
    }

    @Override
    public void start(DropAggregator aggregator) {
        writer = aggregator.newWriter();
        thread = new Thread(this::read, "dropscope-stream");
        thread.setDaemon(true);
        thread.start();
    }

    private void read() {
        try {
            result = reader.read(new Visitor());
        } catch (IOException e) {
            failure = e;
        } finally {
            endBatch();
            if (!stopAsked) {
                // After its end record the daemon says BYE (it stops): read it, to say why.
                input.drain();
                endedUnasked = true;
                onEnd.run();
            }
        }
    }

    /**
     * Runs {@code r} on the stream's thread when the stream ends without {@link #stop}: the daemon
     * stopped (its end record, BYE) or went away. Set before {@link #start}.
     */
    public void onEnd(Runnable r) {
        onEnd = r;
    }

    /**
     * One line saying how the daemon ended the stream if it did so unasked (it stopped, or the
     * connection closed), or {@code null} if the stream is on or ended at {@link #stop}'s request.
     */
    public String daemonGone() {
        if (!endedUnasked || input.error() != null) {
            return null;
        }
        String bye = input.bye();
        return bye != null ? "the daemon at " + client.socket() + " stopped" + (bye.isEmpty() ? "" : " (" + bye + ")")
                + ", which ended this stream; start it again and reconnect"
                : "the daemon at " + client.socket() + " closed the connection before the stream's end (was it killed?);"
                        + " the counts shown are those before it";
    }

    /** Ends the open aggregator batch, if any: before the stream waits, and at its end. */
    private void endBatch() {
        if (inBatch) {
            writer.end();
            inBatch = false;
        }
    }

    private void beginBatch() {
        if (!inBatch) {
            writer.begin();
            inBatch = true;
        }
    }

    @Override
    public void stop() throws SourceException {
        if (thread == null) {
            return;
        }
        stopAsked = true;
        try {
            client.send(new Message.Unsubscribe());
        } catch (IOException e) {
            // The daemon went away; the reader thread sees the end.
        }
        try {
            thread.join(STOP_MILLIS);
            if (thread.isAlive()) {
                client.close();
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        client.close();
        if (input.error() != null) {
            throw new SourceException(SourceException.Kind.SYSTEM, input.error());
        }
        if (endedUnasked && input.bye() == null) {
            // Cut short by the daemon's end, not damaged in transit: say so rather than the truncation.
            throw new SourceException(SourceException.Kind.SYSTEM, daemonGone(), failure);
        }
        if (failure != null) {
            throw new SourceException(SourceException.Kind.SYSTEM, "the daemon's stream at " + client.socket()
                    + " failed: " + failure.getMessage(), failure);
        }
        ReadResult r = result;
        if (r != null && r.damage() != null) {
            throw new SourceException(SourceException.Kind.BAD_INPUT, "the daemon's stream at " + client.socket()
                    + ": " + r.damage().getMessage());
        }
    }

    /** Events this client missed because its queue in the daemon was full. */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("events the daemon could not send (queue full)", input.gapEvents());
        m.put("drops of those events", input.gapDrops());
        return m;
    }

    @Override
    public void close() {
        client.close();
    }

    /** The stream's records into the names and the aggregator, on the stream's thread. */
    private final class Visitor implements RecordVisitor {
        @Override
        public void symbol(KernelSymbol symbol) {
            names.symbol(symbol);
        }

        @Override
        public void stack(int stackId, long[] frames) {
            names.stack(stackId, frames);
        }

        @Override
        public void name(NameKind kind, int code, String name) {
            names.name(kind, code, name);
        }

        @Override
        public void drop(DropEvent e) {
            beginBatch();
            writer.drop(e.cpu(), e.origin(), e.location(), e.reason(), e.stackId(), e.count());
        }

        @Override
        public void lost(long timeNanos, int cpu, long count) {
            beginBatch();
            writer.lost(cpu, count);
        }
    }
}
