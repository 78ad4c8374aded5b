// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import java.nio.ByteBuffer;
import java.util.List;
import org.dropscope.nativeio.EventFd;
import org.dropscope.nativeio.Mapping;
import org.dropscope.nativeio.NativeException;
import org.dropscope.nativeio.PerfEvent;
import org.dropscope.nativeio.Poller;

/** {@link PerfSyscalls#KERNEL}: each call is one of {@code nativeio}'s. */
final class KernelPerfSyscalls implements PerfSyscalls {

    @Override
    public Event open(ByteBuffer attr, int cpu, Event group) throws NativeException {
        int groupFd = group == null ? -1 : ((KernelEvent) group).event.fd();
        return new KernelEvent(PerfEvent.open(attr, -1, cpu, groupFd, 0));
    }

    @Override
    public Wakeup wakeup() throws NativeException {
        return new KernelWakeup(EventFd.create());
    }

    @Override
    public Poll poll(List<Event> events, Wakeup wakeup) {
        int[] fds = new int[events.size() + 1];
        for (int i = 0; i < events.size(); i++) {
            fds[i] = ((KernelEvent) events.get(i)).event.fd();
        }
        fds[events.size()] = ((KernelWakeup) wakeup).eventFd.fd();
        Poller poller = new Poller(fds);
        return new Poll() {
            @Override
            public int poll(int timeoutMillis) throws NativeException {
                return poller.poll(timeoutMillis);
            }

            @Override
            public boolean woken() {
                return poller.readable(events.size());
            }
        };
    }

    private record KernelEvent(PerfEvent event) implements Event {
        @Override
        public RingMapping mmap(long bytes) throws NativeException {
            Mapping mapping = event.mmap(bytes);
            return new RingMapping() {
                @Override
                public ByteBuffer buffer() {
                    return mapping.buffer();
                }

                @Override
                public void close() {
                    mapping.close();
                }
            };
        }

        @Override
        public void enable() throws NativeException {
            event.enable();
        }

        @Override
        public void disable() throws NativeException {
            event.disable();
        }

        @Override
        public void setFilter(String filter) throws NativeException {
            event.setFilter(filter);
        }

        @Override
        public void setOutput(Event target) throws NativeException {
            event.setOutput(((KernelEvent) target).event);
        }

        @Override
        public long id() throws NativeException {
            return event.id();
        }

        @Override
        public int readInto(ByteBuffer words) throws NativeException {
            return event.readInto(words);
        }

        @Override
        public long[] read(int words) throws NativeException {
            return event.read(words);
        }

        @Override
        public void close() {
            event.close();
        }
    }

    private record KernelWakeup(EventFd eventFd) implements Wakeup {
        @Override
        public void signal() throws NativeException {
            eventFd.signal();
        }

        @Override
        public long drain() throws NativeException {
            return eventFd.drain();
        }

        @Override
        public void close() {
            eventFd.close();
        }
    }
}
