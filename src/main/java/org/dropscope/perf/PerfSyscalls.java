// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.dropscope.nativeio.NativeException;

/**
 * The perf system calls of a tracepoint session, in one place: perf_event_open(2), mmap(2) of an
 * event's ring, the event's ioctls, read(2) of its counts, close(2), and eventfd(2) plus poll(2)
 * to wake the reader. {@link #KERNEL} makes them through {@code nativeio}; unit tests pass a fake
 * that hands out rings in memory, so a session's loss arithmetic and its rollbacks run without a
 * kernel, as NET_DM's do through {@code NetDmSockets}.
 *
 * <p>A failed call throws {@link NativeException} with the kernel's errno. Every object handed
 * out is closed by whoever asked for it; {@code close()} never throws.
 */
public interface PerfSyscalls {
    /** The running kernel. */
    PerfSyscalls KERNEL = new KernelPerfSyscalls();

    /**
     * perf_event_open(2) on {@code cpu} for every task (pid -1), close-on-exec.
     *
     * @param attr the encoded {@code struct perf_event_attr} between position and limit; left
     *     unchanged
     * @param group the group's leader, from this same object, or {@code null} for an event that
     *     leads its own group
     */
    Event open(ByteBuffer attr, int cpu, Event group) throws NativeException;

    /** eventfd(2), non-blocking: another thread signals it to end a {@link Poll#poll} early. */
    Wakeup wakeup() throws NativeException;

    /** poll(2) for POLLIN over the events' descriptors and the wakeup's, set up once. */
    Poll poll(List<Event> events, Wakeup wakeup);

    /**
     * A buffer for {@link Event#readInto} of {@code words} u64 words: direct, in native byte
     * order, as read(2) of a perf event fills it.
     */
    static ByteBuffer readBuffer(int words) {
        if (words < 1 || words > 4096) {
            throw new IllegalArgumentException("words " + words + " (expected: 1 to 4096)");
        }
        return ByteBuffer.allocateDirect(8 * words).order(ByteOrder.nativeOrder());
    }

    /** One perf event file descriptor. */
    interface Event extends AutoCloseable {
        /**
         * mmap(2) of the event's ring, read-write: one metadata page and 2<sup>n</sup> data pages
         * (EINVAL otherwise; EPERM past {@code perf_event_mlock_kb} without CAP_IPC_LOCK).
         */
        RingMapping mmap(long bytes) throws NativeException;

        /** PERF_EVENT_IOC_ENABLE; for a group's leader, the whole group. */
        void enable() throws NativeException;

        /** PERF_EVENT_IOC_DISABLE; for a group's leader, the whole group. */
        void disable() throws NativeException;

        /**
         * PERF_EVENT_IOC_SET_FILTER, a tracepoint filter in the tracefs syntax. EINVAL for a
         * filter the kernel cannot parse; EEXIST once the event has one (it is set once only).
         */
        void setFilter(String filter) throws NativeException;

        /** PERF_EVENT_IOC_SET_OUTPUT: this event's records go to {@code target}'s ring. */
        void setOutput(Event target) throws NativeException;

        /** PERF_EVENT_IOC_ID: the id that PERF_SAMPLE_IDENTIFIER puts in this event's samples. */
        long id() throws NativeException;

        /**
         * read(2) of the event's counts into a buffer from {@link PerfSyscalls#readBuffer}, in
         * its {@code read_format}'s order (perf_event_open(2), "Reading results").
         *
         * @return the number of u64 words read
         */
        int readInto(ByteBuffer words) throws NativeException;

        /** As {@link #readInto}, into a new array of at most {@code words} values. */
        long[] read(int words) throws NativeException;

        /** close(2), once; later calls do nothing. */
        @Override
        void close();
    }

    /** An event's ring as mapped; munmap(2) on close. */
    interface RingMapping extends AutoCloseable {
        /** The whole mapping, metadata page first, for a {@link PerfRing}. */
        ByteBuffer buffer();

        /** munmap(2), once; later calls do nothing. */
        @Override
        void close();
    }

    /** An eventfd(2) counter. */
    interface Wakeup extends AutoCloseable {
        /** Adds one: a {@link Poll#poll} over this wakeup returns. Any thread. */
        void signal() throws NativeException;

        /** Resets the counter; returns the signals since the last drain. */
        long drain() throws NativeException;

        /** close(2), once; later calls do nothing. */
        @Override
        void close();
    }

    /** A poll(2) set; one thread polls it. */
    interface Poll {
        /**
         * Waits until a ring has passed its wakeup watermark, the wakeup was signalled or the
         * timeout passed; an interrupted wait is resumed.
         *
         * @return how many descriptors are ready; 0 on timeout
         */
        int poll(int timeoutMillis) throws NativeException;

        /** Whether the last {@link #poll} found the wakeup signalled. */
        boolean woken();
    }
}
