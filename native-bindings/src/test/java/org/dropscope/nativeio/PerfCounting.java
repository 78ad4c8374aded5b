// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;

/** A counting perf event read as the kernel tests read it, and CPU time for it to count. */
final class PerfCounting {
    private PerfCounting() {
    }

    /** The u64 count read(2) returns for a perf event opened with read_format 0. */
    static long count(PerfEvent event) throws NativeException {
        ByteBuffer value = Native.allocateDirect(Long.BYTES);
        long n = Native.read(event.fd(), Native.address(value), Long.BYTES);
        if (n < 0) {
            throw new NativeException("read(2)", (int) -n, "perf event");
        }
        return value.getLong(0);
    }

    /**
     * Burns {@code millis} of this thread's CPU time (not wall time: on a loaded machine the
     * thread may wait for a CPU, and task-clock only counts time on one).
     */
    static long spin(long millis) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + millis * 1_000_000;
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x += x * 31 + 7;
            }
        }
        return x;
    }
}
