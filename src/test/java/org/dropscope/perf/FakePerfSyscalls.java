// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NativeException;

/**
 * {@link PerfSyscalls} without a kernel, for unit tests: each perf_event_open hands out a
 * {@link FakeEvent} whose ring is a {@link RingImage} in memory and whose counts the test sets;
 * a chosen call can fail with a chosen errno; and every descriptor and mapping is watched, so
 * {@link #leaks()} names each one not released exactly once and each call made after a release.
 *
 * <p>The fake answers as the kernel does where the code under test relies on it: read(2) gives
 * the values its {@code read_format} asks for (a group leader's nr, its count and its members',
 * in the order they joined; or the count and, with PERF_FORMAT_LOST, the samples lost), a second
 * PERF_EVENT_IOC_SET_FILTER answers EEXIST, PERF_EVENT_IOC_SET_OUTPUT across CPUs EINVAL, and an
 * mmap that is not one metadata page plus 2<sup>n</sup> data pages EINVAL. Thread-safe: the
 * reader thread of a session polls while the test thread opens, stops and closes.
 */
public final class FakePerfSyscalls implements PerfSyscalls {
    /** The calls a test can make fail; EVENTFD and POLL belong to no CPU (-1). */
    public enum Call { OPEN, MMAP, ENABLE, DISABLE, SET_FILTER, SET_OUTPUT, ID, READ, EVENTFD, POLL }

    private static final int FIRST_FD = 100;
    private static final long ID_BASE = 1000;

    private final Object lock = new Object();
    private final List<FakeEvent> events = new ArrayList<>();
    private final List<FakeMapping> mappings = new ArrayList<>();
    private final List<FakeWakeup> wakeups = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final List<String> misuse = new ArrayList<>();
    private final Map<Call, Map<Integer, Integer>> attempts = new EnumMap<>(Call.class);
    private final Map<String, Integer> failures = new HashMap<>();
    private int nextFd = FIRST_FD;
    private int polls;
    /** Signals of any wakeup eventfd so far. */
    private int signals;
    private final List<Integer> pollTimeouts = new ArrayList<>();
    private boolean timeoutAtOnce;

    /**
     * Makes the {@code nth} (from 1) call of {@code call} on {@code cpu} fail with {@code errno};
     * the calls before and after it succeed.
     */
    public FakePerfSyscalls fail(Call call, int cpu, int nth, int errno) {
        synchronized (lock) {
            failures.put(call + "/" + cpu + "/" + nth, errno);
        }
        return this;
    }

    /** Makes the first call of {@code call} on {@code cpu} fail with {@code errno}. */
    public FakePerfSyscalls fail(Call call, int cpu, int errno) {
        return fail(call, cpu, 1, errno);
    }

    /** Every event opened, in the order opened, closed ones included. */
    public List<FakeEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** The events opened on {@code cpu}, in the order opened. */
    public List<FakeEvent> events(int cpu) {
        synchronized (lock) {
            return events.stream().filter(e -> e.cpu == cpu).toList();
        }
    }

    /** The ioctls made, in order: "ENABLE 104", "SET_FILTER 104 skbaddr == 0", ... */
    public List<String> log() {
        synchronized (lock) {
            return List.copyOf(log);
        }
    }

    /** poll(2) calls made so far: once the nth has begun, the caller's work after the (n-1)th is done. */
    public int polls() {
        synchronized (lock) {
            return polls;
        }
    }

    /** Wakeup eventfd signals so far: how often a reader was woken by another thread. */
    public int signals() {
        synchronized (lock) {
            return signals;
        }
    }

    /** The timeout of every poll(2) call so far, in order. */
    public List<Integer> pollTimeouts() {
        synchronized (lock) {
            return List.copyOf(pollTimeouts);
        }
    }

    /**
     * From now on a poll(2) that nothing woke times out at once, whatever its timeout: a test of
     * the timeouts asked for runs through many of them without waiting for them.
     */
    public FakePerfSyscalls timeoutAtOnce() {
        synchronized (lock) {
            timeoutAtOnce = true;
        }
        return this;
    }

    /** Descriptors and mappings still open. */
    public int open() {
        synchronized (lock) {
            return (int) (events.stream().filter(e -> e.closes == 0).count()
                    + mappings.stream().filter(m -> m.closes == 0).count()
                    + wakeups.stream().filter(w -> w.closes == 0).count());
        }
    }

    /**
     * What was not released exactly once, and every call made on something already released;
     * empty when all is well.
     */
    public List<String> leaks() {
        synchronized (lock) {
            List<String> out = new ArrayList<>(misuse);
            for (FakeEvent e : events) {
                if (e.closes != 1) {
                    out.add("perf event fd " + e.fd + " on CPU " + e.cpu + " closed " + e.closes + " times");
                }
            }
            for (FakeMapping m : mappings) {
                if (m.closes != 1) {
                    out.add("ring of fd " + m.event.fd + " unmapped " + m.closes + " times");
                }
            }
            for (FakeWakeup w : wakeups) {
                if (w.closes != 1) {
                    out.add("eventfd " + w.fd + " closed " + w.closes + " times");
                }
            }
            return out;
        }
    }

    /** Counts the attempt and throws if the test asked this one to fail. Holds the lock. */
    private void attempt(Call call, int cpu, String what) throws NativeException {
        int n = attempts.computeIfAbsent(call, c -> new HashMap<>()).merge(cpu, 1, Integer::sum);
        Integer errno = failures.get(call + "/" + cpu + "/" + n);
        if (errno != null) {
            throw new NativeException(what, errno, "fake, CPU " + cpu);
        }
    }

    @Override
    public Event open(ByteBuffer attr, int cpu, Event group) throws NativeException {
        synchronized (lock) {
            attempt(Call.OPEN, cpu, "perf_event_open(2)");
            FakeEvent leader = (FakeEvent) group;
            if (leader != null) {
                leader.check("a group member's perf_event_open");
                if (leader.cpu != cpu) {
                    throw new NativeException("perf_event_open(2)", Errno.EINVAL, "group on another CPU");
                }
            }
            FakeEvent e = new FakeEvent(nextFd++, cpu, attr, leader);
            events.add(e);
            if (leader != null) {
                leader.members.add(e);
            }
            return e;
        }
    }

    @Override
    public Wakeup wakeup() throws NativeException {
        synchronized (lock) {
            attempt(Call.EVENTFD, -1, "eventfd(2)");
            FakeWakeup w = new FakeWakeup(nextFd++);
            wakeups.add(w);
            return w;
        }
    }

    @Override
    public Poll poll(List<Event> polled, Wakeup wakeup) {
        FakeWakeup w = (FakeWakeup) wakeup;
        List<FakeEvent> fds = polled.stream().map(FakeEvent.class::cast).toList();
        return new Poll() {
            private boolean woken;

            @Override
            public int poll(int timeoutMillis) throws NativeException {
                synchronized (lock) {
                    polls++;
                    pollTimeouts.add(timeoutMillis);
                    attempt(Call.POLL, -1, "poll(2)");
                    w.check("poll");
                    for (FakeEvent e : fds) {
                        e.check("poll");
                    }
                    if (w.count == 0 && !timeoutAtOnce) {
                        try {
                            lock.wait(Math.max(timeoutMillis, 1));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    woken = w.count > 0;
                    return woken ? 1 : 0;
                }
            }

            @Override
            public boolean woken() {
                return woken;
            }
        };
    }

    /** One fake perf event. Its ring, counts and state are the test's to set and read. */
    public final class FakeEvent implements Event {
        private final int fd;
        private final int cpu;
        private final ByteBuffer attr;
        private final FakeEvent leader;
        private final List<FakeEvent> members = new ArrayList<>();
        private String filter;
        private boolean enabled;
        private FakeEvent output;
        private RingImage ring;
        private long count;
        private long lost;
        private int closes;

        private FakeEvent(int fd, int cpu, ByteBuffer attr, FakeEvent leader) {
            this.fd = fd;
            this.cpu = cpu;
            this.attr = ByteBuffer.allocate(attr.remaining()).put(attr.duplicate()).flip().order(ByteOrder.LITTLE_ENDIAN);
            this.leader = leader;
            this.enabled = (this.attr.getLong(PerfEventAttr.OFFSET_FLAGS) & (1L << PerfEventAttr.BIT_DISABLED)) == 0;
        }

        public int fd() {
            return fd;
        }

        public int cpu() {
            return cpu;
        }

        /** The id PERF_EVENT_IOC_ID gives, without calling it. */
        public long eventId() {
            return ID_BASE + fd;
        }

        public long readFormat() {
            return attr.getLong(PerfEventAttr.OFFSET_READ_FORMAT);
        }

        public long sampleType() {
            return attr.getLong(PerfEventAttr.OFFSET_SAMPLE_TYPE);
        }

        public FakeEvent leader() {
            return leader;
        }

        public String filter() {
            synchronized (lock) {
                return filter;
            }
        }

        public boolean enabled() {
            synchronized (lock) {
                return enabled;
            }
        }

        /** Where PERF_EVENT_IOC_SET_OUTPUT sent this event's records, or null. */
        public FakeEvent output() {
            synchronized (lock) {
                return output;
            }
        }

        /** The ring mmap made, or null before it. Write records before the reader starts. */
        public RingImage ring() {
            synchronized (lock) {
                return ring;
            }
        }

        public boolean closed() {
            synchronized (lock) {
                return closes > 0;
            }
        }

        /** The count read(2) gives: for a tracepoint event, the drops it took while enabled. */
        public FakeEvent count(long value) {
            synchronized (lock) {
                count = value;
            }
            return this;
        }

        /** The samples lost that read(2) gives with PERF_FORMAT_LOST. */
        public FakeEvent lost(long value) {
            synchronized (lock) {
                lost = value;
            }
            return this;
        }

        /** Records a call on a released descriptor and fails it as the kernel does. Holds the lock. */
        private void check(String call) throws NativeException {
            if (closes > 0) {
                misuse.add(call + " on closed perf event fd " + fd);
                throw new NativeException(call, Errno.EBADF, "fake fd " + fd);
            }
        }

        private void ioctl(Call call) throws NativeException {
            check(call.name());
            attempt(call, cpu, call.name());
        }

        private void done(Call call, String arg) {
            log.add(call + " " + fd + (arg == null ? "" : " " + arg));
        }

        @Override
        public RingMapping mmap(long bytes) throws NativeException {
            synchronized (lock) {
                check("mmap");
                attempt(Call.MMAP, cpu, "mmap(2)");
                long data = bytes - RingImage.PAGE;
                if (data <= 0 || data % RingImage.PAGE != 0 || Long.bitCount(data / RingImage.PAGE) != 1) {
                    throw new NativeException("mmap(2)", Errno.EINVAL, "fake, " + bytes + " bytes");
                }
                ring = new RingImage((int) (data / RingImage.PAGE));
                FakeMapping m = new FakeMapping(this, ring);
                mappings.add(m);
                return m;
            }
        }

        @Override
        public void enable() throws NativeException {
            synchronized (lock) {
                ioctl(Call.ENABLE);
                enabled = true;
                done(Call.ENABLE, null);
            }
        }

        @Override
        public void disable() throws NativeException {
            synchronized (lock) {
                ioctl(Call.DISABLE);
                enabled = false;
                done(Call.DISABLE, null);
            }
        }

        @Override
        public void setFilter(String f) throws NativeException {
            synchronized (lock) {
                ioctl(Call.SET_FILTER);
                if (filter != null) {
                    throw new NativeException("PERF_EVENT_IOC_SET_FILTER", Errno.EEXIST, "fake fd " + fd);
                }
                filter = f;
                done(Call.SET_FILTER, f);
            }
        }

        @Override
        public void setOutput(Event target) throws NativeException {
            synchronized (lock) {
                FakeEvent t = (FakeEvent) target;
                ioctl(Call.SET_OUTPUT);
                t.check("PERF_EVENT_IOC_SET_OUTPUT target");
                if (t.cpu != cpu) {
                    throw new NativeException("PERF_EVENT_IOC_SET_OUTPUT", Errno.EINVAL, "fake, another CPU");
                }
                output = t;
                done(Call.SET_OUTPUT, Integer.toString(t.fd));
            }
        }

        @Override
        public long id() throws NativeException {
            synchronized (lock) {
                ioctl(Call.ID);
                return eventId();
            }
        }

        /** What read(2) gives for this event's read_format. */
        private long[] values() {
            long format = readFormat();
            if ((format & PerfConstants.PERF_FORMAT_GROUP) != 0) {
                long[] v = new long[2 + members.size()];
                v[0] = 1 + members.size();
                v[1] = count;
                for (int i = 0; i < members.size(); i++) {
                    v[2 + i] = members.get(i).count;
                }
                return v;
            }
            return (format & PerfConstants.PERF_FORMAT_LOST) != 0 ? new long[] {count, lost} : new long[] {count};
        }

        @Override
        public int readInto(ByteBuffer words) throws NativeException {
            synchronized (lock) {
                check("read");
                attempt(Call.READ, cpu, "read(2)");
                long[] v = values();
                if (words.capacity() < 8 * v.length) {
                    throw new NativeException("read(2)", Errno.ENOSPC, "fake fd " + fd);
                }
                ByteBuffer out = words.duplicate().order(ByteOrder.nativeOrder());
                for (int i = 0; i < v.length; i++) {
                    out.putLong(8 * i, v[i]);
                }
                return v.length;
            }
        }

        @Override
        public long[] read(int words) throws NativeException {
            ByteBuffer buf = ByteBuffer.allocate(8 * words).order(ByteOrder.nativeOrder());
            long[] out = new long[readInto(buf)];
            for (int i = 0; i < out.length; i++) {
                out[i] = buf.getLong(8 * i);
            }
            return out;
        }

        @Override
        public void close() {
            synchronized (lock) {
                closes++;
            }
        }

        @Override
        public String toString() {
            return "FakeEvent[fd=" + fd + ", cpu=" + cpu + "]";
        }
    }

    private final class FakeMapping implements RingMapping {
        private final FakeEvent event;
        private final RingImage image;
        private int closes;

        FakeMapping(FakeEvent event, RingImage image) {
            this.event = event;
            this.image = image;
        }

        @Override
        public ByteBuffer buffer() {
            synchronized (lock) {
                if (closes > 0) {
                    misuse.add("buffer of the unmapped ring of fd " + event.fd);
                    throw new IllegalStateException("unmapped");
                }
                return image.mapping();
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                closes++;
            }
        }
    }

    private final class FakeWakeup implements Wakeup {
        private final int fd;
        private long count;
        private int closes;

        FakeWakeup(int fd) {
            this.fd = fd;
        }

        private void check(String call) throws NativeException {
            if (closes > 0) {
                misuse.add(call + " on closed eventfd " + fd);
                throw new NativeException(call, Errno.EBADF, "fake eventfd " + fd);
            }
        }

        @Override
        public void signal() throws NativeException {
            synchronized (lock) {
                check("signal");
                count++;
                signals++;
                lock.notifyAll();
            }
        }

        @Override
        public long drain() throws NativeException {
            synchronized (lock) {
                check("drain");
                long n = count;
                count = 0;
                return n;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                closes++;
            }
        }
    }
}
