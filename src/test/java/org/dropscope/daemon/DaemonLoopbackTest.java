// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.cli.CommandRun;
import org.dropscope.daemon.wire.Message;
import org.dropscope.daemon.wire.WireFormat;
import org.dropscope.nativeio.UnixConnection;
import org.dropscope.nativeio.UnixListener;
import org.dropscope.record.HostFacts;
import org.dropscope.record.ReadResult;
import org.dropscope.source.SourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon over a real unix socket in a temporary directory, with a {@link ScriptedSource}
 * instead of the kernel: clients ({@link StreamSource}) count exactly what the source delivered
 * while they were subscribed; a client sending garbage (or random bytes, 40 of them) is cut off
 * while the others go on; a silent one after the handshake timeout; one past --max-clients is
 * refused; STATUS lists the clients and their gaps; the daemon's stop ends every stream with its
 * end record and removes the socket file.
 */
class DaemonLoopbackTest {
    @TempDir
    Path tmp;

    private Path socket;
    private final ScriptedSource source = new ScriptedSource();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private Daemon daemon;
    private CompletableFuture<Void> running;

    @BeforeEach
    void start() throws Exception {
        socket = tmp.resolve("run").resolve("d.sock");
        UnixListener listener = UnixListener.bind(socket, null);
        daemon = new Daemon(listener, source, null, new HostFacts("6.18.0", "test", "b007"), null,
                new Daemon.Settings(4, Daemon.Settings.DEFAULT_QUEUE_BYTES, 2000, "dropscope test"),
                new PrintWriter(logBytes, true, StandardCharsets.UTF_8));
        running = CompletableFuture.runAsync(() -> {
            try {
                daemon.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        daemon.requestStop();
        running.get(30, TimeUnit.SECONDS);
    }

    private String log() {
        synchronized (logBytes) {
            return logBytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Whether the log says {@code text} within 10 s: a disconnection is logged once its threads ended. */
    private boolean logged(String text) throws InterruptedException {
        for (int i = 0; i < 200 && !log().contains(text); i++) {
            Thread.sleep(50);
        }
        return log().contains(text);
    }

    /** A subscribed client counting into its own aggregator. */
    private record Viewer(StreamSource source, DropAggregator aggregator) {
        static Viewer open(Path socket) throws Exception {
            StreamSource s = StreamSource.open(socket, "dropscope test");
            DropAggregator a = new DropAggregator(s.cpus(), 1 << 10, 1 << 8);
            s.start(a);
            return new Viewer(s, a);
        }

        /** Ends the subscription; the drops it counted, all of them. */
        Snapshot stop() throws Exception {
            source.stop();
            source.close();
            return aggregator.snapshot();
        }
    }

    @Test
    void twoClientsCountExactlyWhatWasDeliveredWhileTheyWereSubscribed() throws Exception {
        Viewer first = Viewer.open(socket);
        source.add(1000);
        source.pass();
        Viewer second = Viewer.open(socket);
        for (int i = 0; i < 20; i++) {
            source.add(500);
            source.pass();
        }
        source.add(7);
        // Not yet passed: UNSUBSCRIBE flushes the source before the stream ends.
        Snapshot a = first.stop();
        Snapshot b = second.stop();
        assertEquals(1000 + 20 * 500 + 7, a.dropsTotal());
        assertEquals(20 * 500 + 7, b.dropsTotal());
        assertEquals("NO_SOCKET", first.source().names().reason(ScriptedSource.REASON));
        assertEquals("scripted source, 2 CPUs", first.source().description());
        assertEquals(3, first.source().cpus(), "the source's CPUs and the gap CPU");
        assertTrue(logged("client 1 connected: uid "), log());
    }

    /** SET is root's: anyone else is refused whatever the setting; root is told none is served yet. */
    @Test
    void setIsRefusedToClientsThatAreNotRootAndNotServedToRoot() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (DaemonClient client = DaemonClient.connect(socket, Message.WANT_SET, "dropscope test")) {
            assertEquals(uid == 0 ? "SET is not served by this daemon yet (UNKNOWN_TYPE)" : "only root may change the"
                    + " daemon's kernel settings; this client is uid " + uid + " (NOT_PERMITTED)",
                    client.set("alertmode packet"));
            assertEquals("scripted source, 2 CPUs", client.status().source(), "the connection goes on");
        }
    }

    @Test
    void aClientSendingGarbageIsCutOffAndTheOthersGoOn() throws Exception {
        Viewer viewer = Viewer.open(socket);
        source.add(300);
        source.pass();
        try (UnixConnection garbage = UnixConnection.connect(socket)) {
            byte[] junk = new byte[64];
            new Random(13).nextBytes(junk);
            // A length of 0x7fffffff: too large, refused from its first four bytes.
            junk[0] = (byte) 0xff;
            junk[1] = (byte) 0xff;
            junk[2] = (byte) 0xff;
            junk[3] = (byte) 0x7f;
            garbage.write(ByteBuffer.wrap(junk));
            garbage.readTimeout(10_000);
            ByteBuffer answer = ByteBuffer.allocate(4096);
            while (garbage.read(answer) > 0) {
                // until the daemon closes
            }
            String reply = new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8);
            assertTrue(reply.contains("exceeds the limit"), reply);
        }
        source.add(200);
        source.pass();
        assertEquals(500, viewer.stop().dropsTotal());
        assertTrue(logged("disconnected: protocol error: frame length 2147483647 exceeds the limit"), log());
    }

    @Test
    void randomBytesFromManyClientsNeverStopTheDaemon() throws Exception {
        Viewer viewer = Viewer.open(socket);
        Random random = new Random(1313);
        long sent = 0;
        for (int i = 0; i < 40; i++) {
            try (UnixConnection garbage = UnixConnection.connect(socket)) {
                byte[] junk = new byte[1 + random.nextInt(2048)];
                random.nextBytes(junk);
                if (i % 2 == 1) {
                    // A valid HELLO first, then the junk: the conversation's decoder gets it.
                    FrameChannel c = new FrameChannel(garbage);
                    c.send(Message.Hello.client("fuzz", 0));
                }
                garbage.write(ByteBuffer.wrap(junk));
            } catch (IOException e) {
                // The daemon cut it off while it wrote: what it is there for.
            }
            source.add(10);
            source.pass();
            sent += 10;
        }
        assertEquals(sent, viewer.stop().dropsTotal(), "the subscribed client counted on");
        // The cut-off clients leave the daemon's list as their threads end, a moment after they closed.
        for (int i = 0; ; i++) {
            try (DaemonClient client = DaemonClient.connect(socket, Message.WANT_STATUS, "dropscope test")) {
                assertEquals(sent, client.status().drops());
                break;
            } catch (SourceException e) {
                if (i == 100 || !e.getMessage().contains("TOO_MANY_CLIENTS")) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aSilentClientIsCutOffAfterTheHandshakeTimeout() throws Exception {
        try (UnixConnection silent = UnixConnection.connect(socket)) {
            FrameChannel c = new FrameChannel(silent);
            silent.readTimeout(20_000);
            Message m = c.next();
            assertEquals(new Message.ErrorReply(WireFormat.IDLE_TIMEOUT, "nothing received for 2000 ms"), m);
            assertEquals(null, c.next(), "then closed");
        }
        assertTrue(logged("disconnected: silent for 2000 ms"), log());
    }

    @Test
    void aClientPastTheMaximumIsRefused() throws Exception {
        List<DaemonClient> four = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                four.add(DaemonClient.connect(socket, Message.WANT_STATUS, "dropscope test"));
            }
            SourceException e = assertThrows(SourceException.class,
                    () -> DaemonClient.connect(socket, Message.WANT_STATUS, "dropscope test"));
            assertEquals("the daemon at " + socket + " refused: the daemon serves its maximum of 4 clients"
                    + " (--max-clients) (TOO_MANY_CLIENTS)", e.getMessage());
        } finally {
            four.forEach(DaemonClient::close);
        }
    }

    @Test
    void statusListsTheClients() throws Exception {
        Viewer viewer = Viewer.open(socket);
        source.add(42);
        source.pass();
        try (DaemonClient client = DaemonClient.connect(socket, Message.WANT_STATUS, "dropscope test")) {
            assertEquals("scripted source, 2 CPUs", client.daemonHello().source());
            Message.Status s = client.status();
            assertEquals("scripted source, 2 CPUs", s.source());
            assertEquals(42, s.drops());
            assertEquals(2, s.clients().size(), String.valueOf(s.clients()));
            assertEquals(ProcessHandle.current().pid(), s.clients().get(0).pid());
        }
        viewer.stop();
    }

    @Test
    void aStalledClientMissesDropsInACountedGapThatStatusShows() throws Exception {
        try (UnixConnection stalled = UnixConnection.connect(socket)) {
            FrameChannel channel = new FrameChannel(stalled);
            channel.send(Message.Hello.client("stalled", Message.WANT_STREAM));
            channel.send(new Message.Subscribe(""));
            assertTrue(channel.next() instanceof Message.Hello);
            // Then it reads nothing: its queue (8 MiB) and the socket's buffers fill, the rest is a gap.
            source.add(400_000);
            source.pass();
            try (DaemonClient client = DaemonClient.connect(socket, Message.WANT_STATUS, "dropscope test")) {
                Message.Status s = client.status();
                assertEquals(400_000, s.drops(), "the source's drops: the reader never waited");
                Message.Client c = s.clients().get(0);
                assertEquals(ProcessHandle.current().pid(), c.pid());
                assertTrue(c.gapEvents() > 0 && c.gapEvents() < 400_000, String.valueOf(c));
                assertEquals(c.gapEvents(), c.gapDrops(), "one drop per event");
            }
        }
    }

    @Test
    void theDaemonsStopEndsEveryStreamAndRemovesTheSocket() throws Exception {
        Viewer viewer = Viewer.open(socket);
        source.add(99);
        source.pass();
        source.add(1);
        daemon.requestStop();
        running.get(30, TimeUnit.SECONDS);
        // The stream ended with the daemon (its end record, BYE): the client's stop finds it whole.
        assertEquals(100, viewer.stop().dropsTotal());
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket file is removed");
        assertTrue(log().contains("stopped: 100 drops, 0 lost events"), log());
    }

    @Test
    void aClientOfAnotherMajorVersionIsToldInOneLine() throws IOException {
        try (UnixConnection c = UnixConnection.connect(socket)) {
            FrameChannel channel = new FrameChannel(c);
            channel.send(new Message.Hello(2, 0, "dropscope 9.0.0", null, null, Message.WANT_STREAM));
            Message m = channel.next();
            assertEquals(new Message.ErrorReply(WireFormat.VERSION_MISMATCH, "the client speaks daemon protocol 2.0,"
                    + " this dropscope 1.0 (dropscope 9.0.0); use a dropscope of the same major version on both sides"),
                    m);
        }
    }

    @Test
    void aReportFromADaemonThatRecordsNothingIsRefusedInOneLineAndTheConnectionGoesOn() throws Exception {
        try (StreamCopy copy = StreamCopy.report(socket, "dropscope test", Long.MIN_VALUE, Long.MAX_VALUE)) {
            assertThrows(IOException.class, () -> copy.copyTo(new ByteArrayOutputStream(), h -> { }),
                    "the stream holds no record file");
            assertEquals("the daemon at " + socket + " refused: this daemon keeps no flight recording (it runs with --no-record): nothing to report"
                    + " (NOT_PERMITTED)", copy.error());
        }
    }

    @Test
    void aReportStreamsTheFlightRecordersDropsInTheRangeUpToTheRequest() throws Exception {
        Path other = tmp.resolve("run").resolve("r.sock");
        ScriptedSource recorded = new ScriptedSource();
        Daemon d = new Daemon(UnixListener.bind(other, null), recorded, null, new HostFacts("6.18.0", "test", "b007"),
                null, new Daemon.Settings(4, Daemon.Settings.DEFAULT_QUEUE_BYTES, 2000, "dropscope test"),
                new PrintWriter(logBytes, true, StandardCharsets.UTF_8));
        d.record(tmp.resolve("flight"), new FlightLimits(1 << 30, 24 * 3_600_000L, 0, 0, 0));
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                d.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            // The recorder opens its first segment as the daemon starts.
            assertTrue(logged("listening on " + other), log());
            for (int i = 0; i < 10; i++) {
                recorded.add(1000);
                recorded.pass();
            }
            // Not yet passed: the report has the source flushed first, and the recorder's open block written.
            recorded.add(7);
            assertEquals(10_007, reportedDrops(other, Long.MIN_VALUE, Long.MAX_VALUE));
            long inAnHour = (System.currentTimeMillis() + 3_600_000L) * 1_000_000L;
            assertEquals(0, reportedDrops(other, inAnHour, Long.MAX_VALUE), "nothing dropped in the future");
        } finally {
            d.requestStop();
            run.get(30, TimeUnit.SECONDS);
        }
    }

    /** The drops of a REPORT's stream, read whole up to its end record. */
    private static long reportedDrops(Path socket, long since, long until) throws Exception {
        try (StreamCopy copy = StreamCopy.report(socket, "dropscope test", since, until)) {
            ReadResult r = copy.copyTo(new ByteArrayOutputStream(), h -> { });
            assertTrue(r.complete(), "the stream ends with its end record");
            assertEquals(null, copy.error());
            return r.drops();
        }
    }

    @Test
    void topConnectEndsInOneLineWhenTheDaemonStops() throws Exception {
        CompletableFuture<CommandRun.Result> top = CompletableFuture.supplyAsync(() -> CommandRun.dropscope()
                .run("top", "--batch", "--interval", "200", "--connect", socket.toString()));
        assertTrue(logged("client 1 connected: uid "), log());
        source.add(5);
        source.pass();
        daemon.requestStop();
        running.get(30, TimeUnit.SECONDS);
        CommandRun.Result r = top.get(30, TimeUnit.SECONDS);
        assertEquals(6, r.exit(), r.err());
        assertEquals("dropscope: the daemon at " + socket + " stopped (daemon stopping), which ended this stream;"
                + " start it again and reconnect\n", r.err());
    }

    @Test
    void aStreamThatTheDaemonEndsIsSaidOnceAndOneTheClientEndsIsNot() throws Exception {
        StreamSource mine = StreamSource.open(socket, "dropscope test");
        mine.start(new DropAggregator(mine.cpus(), 1 << 10, 1 << 8));
        mine.stop();
        assertEquals(null, mine.daemonGone(), "ended at the client's request");
        mine.close();
        StreamSource s = StreamSource.open(socket, "dropscope test");
        CountDownLatch ended = new CountDownLatch(1);
        s.onEnd(ended::countDown);
        s.start(new DropAggregator(s.cpus(), 1 << 10, 1 << 8));
        daemon.requestStop();
        assertTrue(ended.await(30, TimeUnit.SECONDS), "the end is told");
        assertEquals("the daemon at " + socket + " stopped (daemon stopping), which ended this stream; start it again"
                + " and reconnect", s.daemonGone());
        s.stop();
        s.close();
    }
}
