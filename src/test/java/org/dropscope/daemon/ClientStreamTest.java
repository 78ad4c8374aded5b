// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.dropscope.daemon.wire.Message;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientStream} and {@link FanOut} without a kernel or a socket: a client whose queue is
 * full misses drops in counted gaps, marked in its stream and by GAP frames, while the reader
 * never waits; another client gets every drop; every stream ends with its end record.
 */
class ClientStreamTest {
    private static final int GAP_CPU = 2;
    private final AtomicLong clock = new AtomicLong();
    private final DropEvent event = new DropEvent();

    private ClientStream stream(ClientQueue queue) throws Exception {
        return new ClientStream(StreamFrames.header(), DropNames.NONE, true, queue, GAP_CPU, clock::incrementAndGet);
    }

    private DropEvent drop(long count) {
        return event.set(clock.incrementAndGet(), 1, DropOrigin.SOFTWARE, 0xffffffff81000000L, 3, DropSink.NO_STACK,
                count);
    }

    @Test
    void aClientThatKeepsUpGetsEveryDropAndTheEndRecord() throws Exception {
        ClientQueue queue = new ClientQueue(Daemon.Settings.DEFAULT_QUEUE_BYTES);
        ClientStream s = stream(queue);
        assertEquals(0, queue.bytes(), "the header is held back until the stream gets events");
        s.release();
        assertTrue(queue.bytes() > 0, "then released");
        StreamFrames client = new StreamFrames();
        for (int i = 0; i < 20_000; i++) {
            s.drop(drop(2));
            if (i % 1000 == 0) {
                s.endPass();
                client.drain(queue);
            }
        }
        s.lost(clock.incrementAndGet(), 0, 7);
        s.finish();
        client.drain(queue);
        StreamFrames.Counted c = client.read(GAP_CPU);
        assertTrue(c.result().complete(), String.valueOf(c.result()));
        assertEquals(40_000, c.drops());
        assertEquals(7, c.kernelLost());
        assertEquals(0, c.gapLost());
        assertEquals(0, s.gaps());
        assertTrue(client.gaps.isEmpty());
    }

    @Test
    void aFullQueueMakesACountedGapAndTheReaderNeverWaits() throws Exception {
        // Room for the header and one block: the second block's drops find no room until the client reads.
        ClientQueue queue = new ClientQueue(ClientStream.BLOCK_ROOM + 4096);
        ClientStream s = stream(queue);
        s.release();
        StreamFrames client = new StreamFrames();
        long sent = 0;
        for (int i = 0; i < 30_000; i++) {
            s.drop(drop(3));
            sent += 3;
        }
        // Nobody read: the writer's blocks of 4096 events went out until the queue was full, the rest is a gap.
        assertTrue(s.drops() > 0 && s.drops() < sent, "written " + s.drops() + " of " + sent);
        assertTrue(queue.bytes() <= ClientStream.BLOCK_ROOM + 4096 + ClientStream.BLOCK_ROOM,
                "queued " + queue.bytes());
        assertEquals(0, s.gaps(), "the gap is still open");
        client.drain(queue);
        s.lost(clock.incrementAndGet(), 1, 5);
        s.endPass();
        assertEquals(1, s.gaps(), "room again: the gap is closed");
        for (int i = 0; i < 100; i++) {
            s.drop(drop(1));
            sent++;
        }
        s.finish();
        client.drain(queue);
        StreamFrames.Counted c = client.read(GAP_CPU);
        assertTrue(c.result().complete(), String.valueOf(c.result()));
        assertEquals(1, client.gaps.size());
        assertEquals(s.gapEvents(), client.gapEvents());
        assertEquals(s.gapDrops(), client.gapDrops());
        assertEquals(client.gapEvents(), c.gapLost(), "the stream's gap record counts the GAP frame's events");
        assertEquals(sent, c.drops() + client.gapDrops(), "every drop is in the stream or in a gap");
        assertEquals(5, c.kernelLost(), "the kernel's losses keep their own record");
    }

    @Test
    void theFanOutFeedsEveryClientAndEndsThemInOrder() throws Exception {
        FanOut fanOut = new FanOut();
        ClientQueue fastQueue = new ClientQueue(Daemon.Settings.DEFAULT_QUEUE_BYTES);
        ClientQueue slowQueue = new ClientQueue(ClientStream.BLOCK_ROOM + 4096);
        ClientStream fast = stream(fastQueue);
        ClientStream slow = stream(slowQueue);
        StreamFrames fastClient = new StreamFrames();
        fanOut.add(fast);
        fanOut.add(slow);
        for (int i = 0; i < 50_000; i++) {
            fanOut.drop(drop(1));
            if (i % 4096 == 0) {
                fanOut.endPass();
                fastClient.drain(fastQueue);
            }
        }
        fanOut.lost(clock.incrementAndGet(), 0, 11);
        fanOut.end(fast);
        fanOut.drop(drop(1));
        fanOut.endPass();
        // Ended at the end of the pass: the fast client has the drop of that pass, then its end record.
        fanOut.drop(drop(1));
        fastClient.drain(fastQueue);
        StreamFrames.Counted c = fastClient.read(GAP_CPU);
        assertTrue(c.result().complete(), String.valueOf(c.result()));
        assertEquals(50_001, c.drops());
        assertEquals(11, c.kernelLost());
        assertEquals(50_002, fanOut.drops());
        assertEquals(11, fanOut.lost());
        fanOut.endAll();
        StreamFrames slowClient = new StreamFrames();
        slowClient.drain(slowQueue);
        StreamFrames.Counted sc = slowClient.read(GAP_CPU);
        assertTrue(sc.result().complete(), String.valueOf(sc.result()));
        assertEquals(50_002, sc.drops() + slowClient.gapDrops(), "the slow client: its drops and its gap");
        assertTrue(slowClient.gapDrops() > 0);
    }

    @Test
    void aStreamJoiningAfterTheSourceStoppedIsWholeAtOnce() throws Exception {
        FanOut fanOut = new FanOut();
        fanOut.drop(drop(5));
        fanOut.endAll();
        ClientQueue queue = new ClientQueue(Daemon.Settings.DEFAULT_QUEUE_BYTES);
        fanOut.add(stream(queue));
        fanOut.drop(drop(1));
        StreamFrames client = new StreamFrames();
        client.drain(queue);
        StreamFrames.Counted c = client.read(GAP_CPU);
        assertTrue(c.result().complete(), "a header and the end record: " + c.result());
        assertEquals(0, c.drops());
    }

    /**
     * The header is the daemon's answer to SUBSCRIBE: a client that has it may start its traffic,
     * so a drop the reader reads the moment the header is queued must be in the stream. (The
     * daemon once queued the header before the stream joined the fan-out, and a subscriber lost a
     * pass now and then: DaemonLoopbackTest's "expected 11007 drops, got 10007".)
     */
    @Test
    void aDropReadTheMomentTheHeaderIsQueuedIsInTheStream() throws Exception {
        FanOut fanOut = new FanOut();
        AtomicBoolean header = new AtomicBoolean(true);
        ClientQueue queue = new ClientQueue(Daemon.Settings.DEFAULT_QUEUE_BYTES) {
            @Override
            void add(Message m) {
                super.add(m);
                if (header.getAndSet(false)) {
                    // The client could read it now: the reader delivers drops before add() has returned.
                    for (int i = 0; i < 1000; i++) {
                        fanOut.drop(drop(1));
                    }
                }
            }
        };
        fanOut.add(stream(queue));
        assertFalse(header.get(), "the header was queued");
        fanOut.endPass();
        fanOut.endAll();
        StreamFrames client = new StreamFrames();
        client.drain(queue);
        StreamFrames.Counted c = client.read(GAP_CPU);
        assertTrue(c.result().complete(), String.valueOf(c.result()));
        assertEquals(1000, c.drops());
    }
}
