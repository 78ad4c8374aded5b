// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.dropscope.ksym.KallsymsFormatException;
import org.dropscope.ksym.KallsymsUnavailableException;
import org.dropscope.ksym.Symbolizer;
import org.junit.jupiter.api.Test;

/** {@code -l}: kallsyms read on a thread of its own, its outcome reported as a synchronous load did. */
class LookupTest {
    private final StringWriter outText = new StringWriter();
    private final StringWriter errText = new StringWriter();
    private final PrintWriter out = new PrintWriter(outText);
    private final PrintWriter err = new PrintWriter(errText);

    private Lookup.Pending begin(String method, Callable<Symbolizer> kas) {
        return Lookup.begin(method, out, err, "Initializing kallsyms db", kas);
    }

    @Test
    void kasIsReadOnAnotherThreadAndJoinedOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String[] thread = new String[1];
        Lookup.Pending p = begin("kas", () -> {
            thread[0] = Thread.currentThread().getName();
            release.await();
            return new Symbolizer(() -> new StringReader("ffffffff81000000 T _stext\nffffffff81000010 T f\n"),
                    () -> null);
        });
        assertEquals("Initializing kallsyms db\n", outText.toString(), "announced before the read, as before");
        assertTrue(p.loading(), "still reading: the caller goes on meanwhile");
        release.countDown();
        Lookup l = p.join();
        assertEquals(Lookup.GO_ON, l.exitCode());
        assertEquals("f", l.symbols().name(0xffffffff81000014L));
        assertNotEquals(Thread.currentThread().getName(), thread[0]);
        assertSame(l, p.join());
        assertFalse(p.loading());
        assertEquals("", errText.toString());
    }

    @Test
    void missingKallsymsIsOneLineWithExitCode3HoweverOftenJoined() throws IOException {
        Lookup.Pending p = begin("kas", () -> {
            throw new KallsymsUnavailableException("cannot read kernel symbols: /proc/kallsyms does not exist");
        });
        assertEquals(ExitCodes.NO_PERMISSION, p.join().exitCode());
        assertEquals(ExitCodes.NO_PERMISSION, p.join().exitCode());
        assertNull(p.join().symbols());
        assertEquals("dropscope: cannot read kernel symbols: /proc/kallsyms does not exist\n", errText.toString());
    }

    @Test
    void corruptKallsymsIsOneLineWithExitCode5() throws IOException {
        Lookup.Pending p = begin("kas", () -> {
            throw new KallsymsFormatException(3, "address is not hexadecimal", "zz T f");
        });
        assertEquals(ExitCodes.BAD_INPUT, p.join().exitCode());
        assertEquals("dropscope: /proc/kallsyms: kallsyms line 3: address is not hexadecimal: \"zz T f\";"
                + " use -l none to go without symbols\n", errText.toString());
    }

    @Test
    void anotherReadErrorIsThrownFromJoinAsFromLoad() {
        Lookup.Pending p = begin("kas", () -> {
            throw new IOException("Input/output error");
        });
        assertEquals("Input/output error", assertThrows(IOException.class, p::join).getMessage());
        assertEquals("", errText.toString());
    }

    @Test
    void theOtherMethodsAreDoneAtOnce() throws IOException {
        Callable<Symbolizer> never = () -> {
            throw new AssertionError("kallsyms read for a method other than kas");
        };
        Lookup.Pending none = begin("none", never);
        assertFalse(none.loading());
        assertEquals(Lookup.GO_ON, none.join().exitCode());
        assertNull(none.join().symbols());
        Lookup.Pending list = begin("list", never);
        assertFalse(list.loading());
        assertEquals(ExitCodes.OK, list.join().exitCode());
        assertTrue(outText.toString().contains("kas - use /proc/kallsyms"));
        Lookup.Pending unknown = begin("elf", never);
        assertFalse(unknown.loading());
        assertEquals(ExitCodes.USAGE, unknown.join().exitCode());
        assertNotNull(errText.toString());
        assertTrue(errText.toString().startsWith("dropscope: unknown lookup method elf"), errText.toString());
    }
}
