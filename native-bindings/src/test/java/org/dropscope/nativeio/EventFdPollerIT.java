// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfEventAttr;
import org.dropscope.perf.PerfMmapPage;
import org.dropscope.testing.KernelTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** eventfd(2) and poll(2) on the running kernel. */
@Tag("kernel")
class EventFdPollerIT {
    /** A descriptor number no process can have open (the kernel caps them at 2^30). */
    private static final int NEVER_OPEN_FD = 1_500_000_000;

    @Test
    void aSignalFromAnotherThreadWakesThePoller() throws Exception {
        try (EventFd wakeup = EventFd.create()) {
            Poller poller = new Poller(wakeup.fd());
            assertEquals(0, poller.poll(0));
            assertFalse(poller.readable(0));

            Thread signaller = new Thread(() -> {
                try {
                    Thread.sleep(100);
                    wakeup.signal();
                } catch (InterruptedException | NativeException e) {
                    throw new AssertionError(e);
                }
            });
            long start = System.nanoTime();
            signaller.start();
            assertEquals(1, poller.poll(10_000));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            signaller.join();

            assertTrue(poller.readable(0));
            assertFalse(poller.hungUp(0));
            assertFalse(poller.error(0));
            assertTrue(waitedMillis >= 90 && waitedMillis < 10_000, "woke after " + waitedMillis + " ms");
            assertEquals(1, wakeup.drain());
            assertEquals(0, poller.poll(0), "readable after drain");
        }
    }

    @Test
    void pollingAllocatesNothing() throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        KernelTestSupport.require(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
        long tid = Thread.currentThread().getId();
        try (EventFd wakeup = EventFd.create()) {
            Poller poller = new Poller(wakeup.fd());
            wakeup.signal();
            int ready = 0;
            for (int i = 0; i < 20_000; i++) {
                ready += poller.poll(0);
            }
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 20_000; i++) {
                ready += poller.poll(0);
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertEquals(40_000, ready);
            assertTrue(allocated < 20_000, allocated + " bytes allocated by 20000 polls");
        }
    }

    @Test
    void signalsAddUpUntilDrained() throws Exception {
        try (EventFd wakeup = EventFd.create()) {
            assertEquals(0, wakeup.drain());
            wakeup.signal();
            wakeup.signal();
            wakeup.signal();
            assertEquals(3, wakeup.drain());
            assertEquals(0, wakeup.drain());
        }
    }

    @Test
    void pollWaitsForTheWholeTimeout() throws Exception {
        try (EventFd idle = EventFd.create()) {
            Poller poller = new Poller(idle.fd());
            long start = System.nanoTime();
            assertEquals(0, poller.poll(100));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waitedMillis >= 99, "returned after " + waitedMillis + " ms");
        }
    }

    @Test
    void reportsDescriptorsThatAreNotOpenAndIgnoresNegativeOnes() throws Exception {
        try (EventFd wakeup = EventFd.create()) {
            Poller poller = new Poller(NEVER_OPEN_FD, -1, wakeup.fd());
            assertEquals(3, poller.size());
            assertEquals(NEVER_OPEN_FD, poller.fd(0));
            assertEquals(1, poller.poll(0));
            assertTrue(poller.error(0), "POLLNVAL");
            assertFalse(poller.readable(0));
            assertFalse(poller.error(1) || poller.readable(1) || poller.hungUp(1));
            assertFalse(poller.readable(2));
            assertThrows(IndexOutOfBoundsException.class, () -> poller.readable(3));
        }
    }

    @Test
    void aPerfEventHangsUpWhenItsTaskExits() throws Exception {
        KernelTestSupport.requireRoot();
        Process child = new ProcessBuilder("sleep", "0.5").start();
        ByteBuffer attr = PerfEventAttr.builder().type(PerfConstants.PERF_TYPE_SOFTWARE)
                .config(PerfConstants.PERF_COUNT_SW_DUMMY).build().encode();
        try (PerfEvent event = PerfEvent.open(attr, (int) child.pid(), -1, -1, 0);
                Mapping ring = event.mmap(PerfMmapPage.mappingLength(1, PerfMmapPage.pageSize()))) {
            Poller poller = new Poller(event.fd());
            assertEquals(0, poller.poll(0), "ready while the task runs");
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(1, poller.poll(5_000));
            assertTrue(poller.hungUp(0), "POLLHUP after the task exited");
            assertTrue(ring.isOpen());
        }
    }

    @Test
    void aClosedEventFdFailsWithEbadf() throws Exception {
        EventFd wakeup = EventFd.create();
        wakeup.close();
        wakeup.close();
        assertEquals(-1, wakeup.fd());
        NativeException e = assertThrows(NativeException.class, wakeup::signal);
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("write(2) eventfd -1: Bad file descriptor (EBADF)", e.getMessage());
        assertEquals(Errno.EBADF, assertThrows(NativeException.class, wakeup::drain).errno());
    }
}
