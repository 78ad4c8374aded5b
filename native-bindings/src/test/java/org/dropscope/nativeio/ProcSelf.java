// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the kernel says about this test process, from /proc/self and /sys, for kernel tests. */
final class ProcSelf {
    static final String PERF_EVENT_INODE = "anon_inode:[perf_event]";

    private ProcSelf() {
    }

    /** How many open descriptors point to {@code target}, such as {@link #PERF_EVENT_INODE}. */
    static int descriptorsTo(String target) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(target)) {
                        n++;
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the directory stream's own descriptor, or one closed by another thread
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** How many lines of /proc/self/maps map {@code target}. */
    static long mappingsOf(String target) {
        return lines("/proc/self/maps").stream().filter(l -> l.endsWith(" " + target)).count();
    }

    /** Whether /proc/self/mountinfo lists a mount at {@code mountPoint} of type {@code fstype}. */
    static boolean isMounted(Path mountPoint, String fstype) {
        String point = " " + mountPoint.toAbsolutePath() + " ";
        return lines("/proc/self/mountinfo").stream()
                .anyMatch(l -> l.contains(point) && l.contains(" - " + fstype + " "));
    }

    /** The online cpus, from /sys/devices/system/cpu/online ("0-3,6"). */
    static List<Integer> onlineCpus() {
        List<Integer> cpus = new ArrayList<>();
        for (String range : lines("/sys/devices/system/cpu/online").get(0).trim().split(",")) {
            String[] ends = range.split("-");
            int first = Integer.parseInt(ends[0]);
            int last = Integer.parseInt(ends[ends.length - 1]);
            for (int cpu = first; cpu <= last; cpu++) {
                cpus.add(cpu);
            }
        }
        return cpus;
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

    /** Keeps the calling thread on a cpu for about {@code millis} ms. */
    /**
     * Burns {@code millis} of this thread's CPU time (not wall time: on a loaded machine the
     * thread may wait for a CPU, and task-clock only counts time on one).
     */
    static long spin(long millis) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + millis * 1_000_000;
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x += x * 31 + 7;
            }
        }
        return x;
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
