// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.daemon.wire.Message;
import org.dropscope.daemon.wire.WireFormat;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.nativeio.UnixConnection;
import org.dropscope.nativeio.UnixListener;
import org.dropscope.record.HostFacts;
import org.dropscope.record.RecordHeader;
import org.dropscope.source.DropSource;
import org.dropscope.source.IntervalSession;
import org.dropscope.source.LiveNames;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFacts;

/**
 * {@code dropscope daemon}'s service: one opened (not yet started) kernel source, recorded into a
 * {@link FanOut}, and the clients of a bound {@link UnixListener}, each a {@link Connection} on
 * two threads of its own (one reads its requests, one sends its queue).
 *
 * <p>Life cycle: {@link #run()} starts the source, accepts until {@link #requestStop()}, then
 * stops the source (which delivers what the kernel wrote before), ends every client's stream
 * with its end record and a BYE, and closes the listener (removing the socket file). The caller
 * closes the source.
 */
public final class Daemon {
    /**
     * The daemon's limits.
     *
     * @param maxClients clients served at once; one more is refused with TOO_MANY_CLIENTS
     * @param queueBytes frames that may wait for one client before its stream has a gap
     * @param handshakeMillis how long a client may stay silent before it subscribed
     * @param software what the daemon says it is in HELLO, {@code "dropscope 0.1.0"}
     */
    public record Settings(int maxClients, long queueBytes, int handshakeMillis, String software) {
        /** 8 MiB per client: about 150,000 events of a known location, several seconds of a busy machine. */
        public static final long DEFAULT_QUEUE_BYTES = 8L << 20;
        /** 10 s to say HELLO and what it wants. */
        public static final int DEFAULT_HANDSHAKE_MILLIS = 10_000;
    }

    /** The property naming the stream's gap CPU (docs/daemon-protocol.md, "The stream"). */
    public static final String GAP_CPU_PROPERTY = "daemon.gap_cpu";
    /**
     * How often the source is flushed while a client is subscribed: an idle reader sleeps up to
     * 10 s between passes (ReaderPace), and a viewer must not wait that long for the first drops
     * after a quiet spell. Without clients the reader keeps its own pace.
     */
    static final long PACE_MILLIS = 250;
    /** How long a client's sender may take to send its last frames at the daemon's stop. */
    private static final long FAREWELL_MILLIS = 2000;

    private final UnixListener listener;
    private final DropSource source;
    private final LiveNames names;
    private final SourceFacts facts;
    private final HostFacts host;
    private final String filter;
    private final Settings settings;
    private final PrintWriter log;
    private final FanOut fanOut = new FanOut();
    private final DropAggregator aggregator;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final long startedMillis = System.currentTimeMillis();
    private volatile boolean stopping;
    private FlightRecorder recorder;

    /**
     * @param listener bound; closed by {@link #run()}
     * @param source opened with its filter, not started; it must record ({@code recordTo})
     * @param symbols kallsyms, to name the streams' locations and stacks; {@code null} for none
     * @param host the machine's facts for the streams' headers
     * @param filter the daemon's {@code --filter} text, or {@code null}
     * @param log where the log lines go (standard error)
     * @throws SourceException when the source cannot say its facts or cannot record
     */
    public Daemon(UnixListener listener, DropSource source, Symbolizer symbols, HostFacts host, String filter,
            Settings settings, PrintWriter log) throws SourceException {
        this.listener = listener;
        this.source = source;
        this.host = host;
        this.filter = filter;
        this.settings = settings;
        this.log = log;
        this.facts = source.facts();
        this.aggregator = new DropAggregator(source.cpus(), IntervalSession.KEY_CAPACITY, IntervalSession.STACK_CAPACITY);
        this.names = LiveNames.of(symbols, source, aggregator);
        if (!source.recordTo(fanOut)) {
            throw new SourceException(SourceException.Kind.SYSTEM, source.description() + " was opened without"
                    + " timestamps and cannot stream (this is a bug; please report it)");
        }
    }

    /**
     * Records the drops into segments in {@code dir} (the flight recorder), from the start on; call
     * before {@link #run()}.
     *
     * @throws IOException if the directory cannot be made
     */
    public void record(Path dir, FlightLimits limits) throws IOException {
        SegmentStore store = DirectoryStore.open(dir);
        Map<String, String> props = new LinkedHashMap<>();
        props.put(RecordHeader.RUN_PROPERTY, Instant.ofEpochMilli(startedMillis).toString());
        if (limits.budget() > 0) {
            props.put(RecordHeader.BUDGET_PROPERTY, FlightRecorder.budgetText(limits.budget()));
        }
        recorder = new FlightRecorder(store, () -> facts.recordHeader(host, filter, 0, props), names,
                facts.clock()::nanos, System::currentTimeMillis, limits, this::log);
        fanOut.record(recorder);
    }

    /** One log line, {@code dropscope daemon: ...}, as journald keeps it. Any thread. */
    void log(String line) {
        synchronized (log) {
            log.println("dropscope daemon: " + line);
            log.flush();
        }
    }

    /**
     * Starts the source, serves clients until {@link #requestStop()}, then stops everything in
     * order (see the class comment).
     *
     * @throws SourceException if the source cannot start or stop
     */
    public void run() throws SourceException, InterruptedException {
        if (recorder != null) {
            recorder.start();
        }
        source.start(aggregator);
        Thread acceptor = new Thread(this::accept, "dropscope-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        Thread pace = new Thread(this::pace, "dropscope-pace");
        pace.setDaemon(true);
        pace.start();
        log("listening on " + listener.path() + (listener.removedStale() ? " (a stale socket file was removed)" : "")
                + "; source " + source.description() + (filter == null ? "" : "; filter " + filter));
        try {
            stop.await();
        } finally {
            stopping = true;
            listener.close();
            try {
                source.stop();
            } finally {
                fanOut.endAll();
                for (Connection c : connections) {
                    c.farewell("daemon stopping");
                }
                // One deadline for all: stalled clients must not add up to more than the signal handler waits.
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FAREWELL_MILLIS);
                for (Connection c : connections) {
                    c.awaitSent(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    c.close();
                }
                log("stopped: " + fanOut.drops() + " drops, " + fanOut.lost() + " lost events");
            }
        }
    }

    private void pace() {
        try {
            while (!stopping) {
                Thread.sleep(PACE_MILLIS);
                if (fanOut.streams() > 0 && !stopping) {
                    source.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends {@link #run()}. Any thread. */
    public void requestStop() {
        stop.countDown();
    }

    private void accept() {
        while (!stopping) {
            UnixConnection c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (!stopping) {
                    log("accept(2) failed, no more clients: " + e.getMessage());
                }
                return;
            }
            int id = ids.incrementAndGet();
            if (connections.size() >= settings.maxClients()) {
                Connection.refuse(c, WireFormat.TOO_MANY_CLIENTS, "the daemon serves its maximum of "
                        + settings.maxClients() + " clients (--max-clients)");
                log("client " + id + " refused: " + settings.maxClients() + " clients already");
                continue;
            }
            Connection conn = new Connection(this, id, c);
            connections.add(conn);
            conn.start();
        }
    }

    /** A client's connection ended: it leaves the list STATUS shows. */
    void ended(Connection c) {
        connections.remove(c);
    }

    /**
     * A new stream for one client, its header held for {@code queue}.
     *
     * @param root whether the client is root: others get made-up addresses
     */
    ClientStream newStream(ClientQueue queue, boolean root) throws IOException {
        RecordHeader header = facts.recordHeader(host, filter, 1,
                Map.of(GAP_CPU_PROPERTY, Integer.toString(facts.cpus())));
        return new ClientStream(header, names, root, queue, facts.cpus(), facts.clock()::nanos);
    }

    /**
     * Answers REPORT on the client's thread: the flight recorder's drops in the range, as a whole
     * stream (header, blocks, end record) into {@code queue}; ERROR when nothing is recorded.
     */
    void report(Message.Report r, ClientQueue queue, boolean root) throws IOException {
        FlightRecorder rec = recorder;
        if (rec == null) {
            queue.add(new Message.ErrorReply(WireFormat.NOT_PERMITTED, "this daemon keeps no flight recording"
                    + " (it runs with --no-record): nothing to report"));
            return;
        }
        // What the recorder holds in its open block goes to disk first, so the report has every drop
        // the daemon read before the request.
        long ticket = rec.askFlush();
        source.flush();
        try {
            rec.awaitFlush(ticket, settings.handshakeMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ClientStream stream = newStream(queue, root);
        stream.release();
        long toEpoch = facts.recordHeader(host, filter, 1, Map.of()).clock().toEpochNanos(0);
        FlightReplay.replay(rec.store(), r.sinceEpochNanos(), r.untilEpochNanos(), stream, queue, toEpoch,
                Instant.ofEpochMilli(startedMillis).toString());
        stream.finish();
    }

    /** The fan-out streams join. */
    FanOut fanOut() {
        return fanOut;
    }

    /** The source, for a flush before a stream ends. */
    DropSource source() {
        return source;
    }

    Settings settings() {
        return settings;
    }

    boolean stopping() {
        return stopping;
    }

    /** What STATUS says now. */
    Message.Status status() {
        List<Message.Client> clients = new ArrayList<>();
        for (Connection c : connections) {
            if (c.peer() != null) {
                clients.add(new Message.Client(c.peer().pid(), c.peer().uid(), c.peer().gid(), c.gapEvents(),
                        c.gapDrops()));
            }
        }
        return new Message.Status(source.description(), System.currentTimeMillis() - startedMillis, fanOut.drops(),
                fanOut.lost(), clients, recorder == null ? 0 : recorder.segments(),
                recorder == null ? 0 : recorder.bytes());
    }
}
