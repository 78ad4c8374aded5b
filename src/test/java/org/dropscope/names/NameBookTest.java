// SPDX-License-Identifier: Apache-2.0
package org.dropscope.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The naming service made of names alone, as NET_DM's source and a capture's reader fill it. */
class NameBookTest {
    @Test
    void namesGetCodesInTheOrderTheyAppearReasonsAndTrapsApart() {
        NameBook book = new NameBook();
        assertEquals(0, book.reasonCode("NO_SOCKET"));
        assertEquals(1, book.reasonCode("SOCKET_RCVBUFF"));
        assertEquals(0, book.reasonCode("NO_SOCKET"), "the same name, the same code");
        assertEquals(0, book.trapId("ingress_vlan_filter"), "traps count from 0 of their own");
        assertEquals(1, book.trapId("blackhole_route"));

        assertEquals("NO_SOCKET", book.reason(0));
        assertEquals("SOCKET_RCVBUFF", book.reason(1));
        assertEquals("ingress_vlan_filter", book.trap(0));
        assertEquals("blackhole_route", book.trapLabel(1));
        assertNull(book.reason(2));
        assertNull(book.reason(-1), "DropSink.NO_REASON");
        assertNull(book.trap(2));
        assertEquals("trap#2", book.trapLabel(2));
    }

    @Test
    void aBookOfNamesKnowsNoAddressAndNoStack() {
        NameBook book = new NameBook();
        book.reasonCode("NO_SOCKET");
        assertNull(book.symbolAt(0xffffffff82046a90L));
        assertNull(book.symbol(0xffffffff82046a90L));
        assertEquals("0xffffffff82046a90", book.location(0xffffffff82046a90L).function());
        assertNull(book.stack(0));
    }

    @Test
    void threadsInterningTheSameNamesAgreeOnTheirCodes() throws Exception {
        NameBook book = new NameBook();
        int threads = 4;
        int names = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    go.await();
                    int[] codes = new int[names];
                    for (int i = 0; i < names; i++) {
                        int n = (i + offset * 37) % names;
                        codes[n] = book.trapId("trap_" + n);
                    }
                    return codes;
                }));
            }
            go.countDown();
            int[] first = results.get(0).get();
            Set<Integer> distinct = new HashSet<>();
            for (int n = 0; n < names; n++) {
                distinct.add(first[n]);
                assertEquals("trap_" + n, book.trap(first[n]), "a code names what it was given for");
            }
            assertEquals(names, distinct.size(), "one code per name, none reused");
            for (Future<int[]> r : results) {
                assertEquals(List.of(boxed(first)), List.of(boxed(r.get())), "every thread got the same codes");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Integer[] boxed(int[] a) {
        Integer[] b = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }
}
