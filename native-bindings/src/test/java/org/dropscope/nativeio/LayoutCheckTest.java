// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.dropscope.netlink.NetlinkLayout;
import org.dropscope.netlink.dropmon.NetDmAttr;
import org.dropscope.netlink.dropmon.NetDmCmd;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfEventAttr;
import org.dropscope.perf.PerfMmapPage;
import org.dropscope.testing.KernelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles c/layout.c against the system headers, runs it, and compares each "Class.FIELD value"
 * line with the Java constant of that name. Every non-private static final number in the classes
 * below must appear in the C output and the other way round, so a constant added on one side only
 * fails the test too.
 */
class LayoutCheckTest {

    private static final List<Class<?>> MIRRORS = List.of(
            PerfConstants.class, PerfEventAttr.class, PerfMmapPage.class,
            NetlinkLayout.class, NetDmConstants.class, NetDmCmd.class, NetDmAttr.class,
            Errno.class, NetlinkConstants.class, Mounts.class, PerfEvent.class, Poller.class,
            EventFd.class, NetlinkSocket.class, SockaddrNl.class, Native.class);

    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void javaConstantsMatchTheSystemHeaders(@TempDir Path dir) throws Exception {
        Map<String, Long> fromC = runLayoutProgram(dir);
        Map<String, Long> fromJava = javaValues();
        List<String> problems = compare(fromC, fromJava);
        assertTrue(problems.isEmpty(), () -> problems.size() + " mismatch(es) between the Java constants and "
                + "the system headers (layout.c):\n  " + String.join("\n  ", problems));
    }

    @Test
    void compareReportsEveryKindOfMismatch() {
        Map<String, Long> c = Map.of("A.SAME", 1L, "A.DIFFERENT", 2L, "A.ONLY_IN_C", 3L);
        Map<String, Long> java = Map.of("A.SAME", 1L, "A.DIFFERENT", 5L, "A.ONLY_IN_JAVA", 4L);
        assertEquals(List.of(
                "A.DIFFERENT: headers say 2, Java says 5",
                "A.ONLY_IN_C: printed by layout.c but not a Java constant",
                "A.ONLY_IN_JAVA: Java constant (4) not printed by layout.c"), compare(c, java));
    }

    static List<String> compare(Map<String, Long> fromC, Map<String, Long> fromJava) {
        List<String> problems = new ArrayList<>();
        Map<String, Long> all = new TreeMap<>(fromC);
        fromJava.forEach(all::putIfAbsent);
        for (String name : all.keySet()) {
            Long c = fromC.get(name);
            Long java = fromJava.get(name);
            if (c == null) {
                problems.add(name + ": Java constant (" + java + ") not printed by layout.c");
            } else if (java == null) {
                problems.add(name + ": printed by layout.c but not a Java constant");
            } else if (!c.equals(java)) {
                problems.add(name + ": headers say " + c + ", Java says " + java);
            }
        }
        return problems;
    }

    /** Every non-private static final number (and open-enum constant) of the mirror classes. */
    private static Map<String, Long> javaValues() throws IllegalAccessException {
        Map<String, Long> values = new TreeMap<>();
        for (Class<?> type : MIRRORS) {
            for (Field f : type.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod) || Modifier.isPrivate(mod)) {
                    continue;
                }
                f.setAccessible(true);
                Object v = f.get(null);
                Long number = v instanceof NetDmAttr ? Long.valueOf(((NetDmAttr) v).intValue())
                        : v instanceof NetDmCmd ? Long.valueOf(((NetDmCmd) v).intValue())
                        : f.getType().isPrimitive() ? Long.valueOf(((Number) v).longValue())
                        : null;
                if (number != null) {
                    values.put(type.getSimpleName() + '.' + f.getName(), number);
                }
            }
        }
        values.put("PerfMmapPage.pageSize()", (long) PerfMmapPage.pageSize());
        values.put("SockaddrNl.LAYOUT.nlFamily", SockaddrNl.LAYOUT.nlFamily.offset());
        values.put("SockaddrNl.LAYOUT.nlPad", SockaddrNl.LAYOUT.nlPad.offset());
        values.put("SockaddrNl.LAYOUT.nlPid", SockaddrNl.LAYOUT.nlPid.offset());
        values.put("SockaddrNl.LAYOUT.nlGroups", SockaddrNl.LAYOUT.nlGroups.offset());
        return values;
    }

    private static Map<String, Long> runLayoutProgram(Path dir) throws IOException, InterruptedException {
        Path source = dir.resolve("layout.c");
        try (InputStream in = LayoutCheckTest.class.getResourceAsStream("/c/layout.c")) {
            if (in == null) {
                fail("c/layout.c is not on the test classpath");
            }
            Files.copy(in, source);
        }
        Path binary = dir.resolve("layout");
        Result gcc = run(dir, "gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(),
                source.toString());
        KernelTestSupport.require(gcc != null, "gcc is not installed: cannot compile layout.c against the "
                + "system headers");
        KernelTestSupport.require(!gcc.err.matches("(?s).*fatal error: .*\\.h: No such file.*"),
                "kernel userspace headers are missing (install linux-libc-dev):\n" + gcc.err);
        assertEquals(0, gcc.exit, () -> "gcc failed on layout.c:\n" + gcc.err);
        Result layout = run(dir, binary.toString());
        assertEquals(0, layout.exit, () -> "layout failed:\n" + layout.err);

        Map<String, Long> values = new TreeMap<>();
        for (String line : layout.out.split("\n")) {
            String[] f = line.split(" ");
            if (f.length != 2 || values.put(f[0], Long.parseLong(f[1])) != null) {
                fail("bad or repeated line from layout: \"" + line + '"');
            }
        }
        return values;
    }

    /** Runs a command; null if it cannot be started (not installed). */
    private static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(dir.resolve("stderr").toFile())
                    .start();
        } catch (IOException notFound) {
            return null;
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command[0] + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        String err = Files.readString(dir.resolve("stderr"));
        return new Result(p.exitValue(), out, err);
    }

    private static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }
}
