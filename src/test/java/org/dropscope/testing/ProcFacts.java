// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dropscope.source.CpuList;

/**
 * What /proc and /sys say about a process and the machine, for tests. No JUnit here: the kernel
 * tests' {@code ShellProbe} uses it in a child JVM whose class path has none.
 */
public final class ProcFacts {
    /** How a perf event descriptor reads in /proc/PID/fd, and its ring in /proc/PID/maps. */
    public static final String PERF_EVENT = "anon_inode:[perf_event]";
    /** SIGINT's number, signal(7). */
    public static final int SIGINT = 2;

    private ProcFacts() {
    }

    /** Open descriptors of process {@code pid} ("self" for this one) that are perf events. */
    public static int perfFds(String pid) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", pid, "fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(PERF_EVENT)) {
                        n++;
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the directory stream's own descriptor, or one another thread closed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** Mappings of process {@code pid} ("self" for this one) that are perf rings. */
    public static int perfMappings(String pid) {
        return (int) lines(Path.of("/proc", pid, "maps")).stream().filter(l -> l.endsWith(" " + PERF_EVENT)).count();
    }

    /** Whether process {@code pid} ignores signal {@code signo} (the SigIgn mask of its status). */
    public static boolean ignoresSignal(long pid, int signo) {
        for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & 1L << (signo - 1)) != 0;
            }
        }
        throw new IllegalStateException("no SigIgn line in /proc/" + pid + "/status");
    }

    /** Whether /proc/self/mountinfo lists a mount at {@code mountPoint} of type {@code fstype}. */
    public static boolean isMounted(Path mountPoint, String fstype) {
        String point = " " + mountPoint.toAbsolutePath() + " ";
        return lines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(l -> l.contains(point) && l.contains(" - " + fstype + " "));
    }

    /** The online CPUs, from /sys/devices/system/cpu/online ("0-3,6"), read as dropscope reads them. */
    public static List<Integer> onlineCpus() {
        Path online = Path.of("/sys/devices/system/cpu/online");
        try (Reader r = Files.newBufferedReader(online, StandardCharsets.UTF_8)) {
            return Arrays.stream(CpuList.parse(r)).boxed().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(online + ": " + e.getMessage(), e);
        }
    }

    /** The addresses /proc/kallsyms gives the text symbol {@code name} (all zero if hidden). */
    public static Set<Long> functionAddresses(String name) {
        Set<Long> addresses = new HashSet<>();
        for (String line : lines(Path.of("/proc/kallsyms"))) {
            String[] f = line.split("[ \t]+");
            if (f.length >= 3 && f[2].equals(name) && "tTwW".contains(f[1])) {
                addresses.add(Long.parseUnsignedLong(f[0], 16));
            }
        }
        return addresses;
    }

    /** A sysctl under /proc/sys, e.g. "kernel/perf_event_paranoid", trimmed. */
    public static String sysctl(String name) {
        return lines(Path.of("/proc/sys", name)).get(0).trim();
    }

    /** The lines of a text file under /proc or /sys (UTF-8). */
    public static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
