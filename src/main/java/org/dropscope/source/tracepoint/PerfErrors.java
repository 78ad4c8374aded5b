// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.nio.ByteBuffer;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfSyscalls;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.perf.PerfSyscalls.RingMapping;
import org.dropscope.perf.PerfSyscalls.Wakeup;
import org.dropscope.source.SourceException;

/**
 * The perf system calls of the tracepoint source, with their failures turned into one line each
 * that says what is missing and how to get it (perf_event_open(2), "ERRORS").
 */
final class PerfErrors {
    private PerfErrors() {
    }

    static Event open(PerfSyscalls calls, ByteBuffer attr, int cpu, TracepointSetup setup) throws SourceException {
        return open(calls, attr, cpu, null, setup, false);
    }

    /** As {@link #open}, as a member of {@code leader}'s group. */
    static Event openInGroup(PerfSyscalls calls, ByteBuffer attr, int cpu, Event leader, TracepointSetup setup)
            throws SourceException {
        return open(calls, attr, cpu, leader, setup, false);
    }

    /**
     * An ioctl of an event the source opened itself ({@code what} names it): its failure is not the
     * user's to fix, so it is a system error with the kernel's errno.
     */
    static SourceException ioctlFailed(String what, int cpu, NativeException e) {
        return new SourceException(SourceException.Kind.SYSTEM, what + " on CPU " + cpu + " failed: "
                + e.description() + " (" + e.errnoName() + ")", e);
    }

    /** As {@link #open}, but EINVAL (an attr field this kernel does not know) gives {@code null}. */
    static Event openIfValid(PerfSyscalls calls, ByteBuffer attr, int cpu, TracepointSetup setup)
            throws SourceException {
        return open(calls, attr, cpu, null, setup, true);
    }

    private static Event open(PerfSyscalls calls, ByteBuffer attr, int cpu, Event group, TracepointSetup setup,
            boolean einvalIsNull) throws SourceException {
        try {
            return calls.open(attr.duplicate(), cpu, group);
        } catch (NativeException e) {
            if (einvalIsNull && e.errno() == Errno.EINVAL) {
                return null;
            }
            String what = "perf_event_open(2) for skb:kfree_skb on CPU " + cpu + " failed: "
                    + e.description() + " (" + e.errnoName() + ")";
            switch (e.errno()) {
                case Errno.EACCES:
                case Errno.EPERM:
                    throw new SourceException(SourceException.Kind.NO_PERMISSION, what
                            + ": system-wide tracepoint events need root, or CAP_PERFMON (Linux 5.8+,"
                            + " CAP_SYS_ADMIN before), or sysctl kernel.perf_event_paranoid=-1 (now "
                            + setup.paranoidText() + ")", e);
                case Errno.ENOENT:
                case Errno.ENODEV:
                    throw new SourceException(SourceException.Kind.NO_KERNEL_FEATURE, what
                            + ": the kernel does not know tracepoint id " + setup.layout().eventId()
                            + "; was it built without CONFIG_EVENT_TRACING?", e);
                case Errno.ENOSYS:
                    throw new SourceException(SourceException.Kind.NO_KERNEL_FEATURE, what
                            + ": this kernel has no perf events (CONFIG_PERF_EVENTS); use the NET_DM"
                            + " source if drop_monitor is available", e);
                case Errno.EMFILE:
                    throw new SourceException(SourceException.Kind.SYSTEM, what
                            + ": out of file descriptors (one per CPU is needed); raise ulimit -n", e);
                default:
                    throw new SourceException(SourceException.Kind.SYSTEM, what, e);
            }
        }
    }

    static RingMapping mmap(Event event, long bytes, int cpu) throws SourceException {
        try {
            return event.mmap(bytes);
        } catch (NativeException e) {
            String what = "mmap(2) of a " + (bytes / 1024) + " KiB perf ring on CPU " + cpu + " failed: "
                    + e.description() + " (" + e.errnoName() + ")";
            if (e.errno() == Errno.EPERM) {
                throw new SourceException(SourceException.Kind.NO_PERMISSION, what
                        + ": the rings exceed kernel.perf_event_mlock_kb and RLIMIT_MEMLOCK, which only"
                        + " CAP_IPC_LOCK may do; run as root, or use a smaller --ring-pages", e);
            }
            if (e.errno() == Errno.ENOMEM) {
                throw new SourceException(SourceException.Kind.SYSTEM, what
                        + ": the kernel has no memory for a ring this large; use a smaller --ring-pages", e);
            }
            throw new SourceException(SourceException.Kind.SYSTEM, what, e);
        }
    }

    /**
     * PERF_EVENT_IOC_SET_FILTER. EINVAL is the kernel's filter parser refusing the string
     * (kernel/trace/trace_events_filter.c): a field or operator this kernel's event lacks.
     */
    static void setFilter(Event event, String filter, int cpu) throws SourceException {
        try {
            event.setFilter(filter);
        } catch (NativeException e) {
            String what = "the kernel refused the skb:kfree_skb filter \"" + filter + "\" on CPU " + cpu + ": "
                    + e.description() + " (" + e.errnoName() + ")";
            if (e.errno() == Errno.EINVAL) {
                throw new SourceException(SourceException.Kind.NO_KERNEL_FEATURE, what
                        + "; this kernel's event filter does not take it: filter with fewer terms, or use"
                        + " --source netdm, which filters in user space", e);
            }
            throw new SourceException(SourceException.Kind.SYSTEM, what, e);
        }
    }

    static Wakeup wakeup(PerfSyscalls calls) throws SourceException {
        try {
            return calls.wakeup();
        } catch (NativeException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "eventfd(2) failed: " + e.getMessage(), e);
        }
    }
}
