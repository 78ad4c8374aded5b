// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyTableTest {
    private static final long BASE = 0xffffffff81000000L;

    @Test
    void keysAreNumberedDenselyInTheOrderFirstSeen() {
        KeyTable t = new KeyTable(1 << 16);
        for (int k = 0; k < 100; k++) {
            assertEquals(k, t.keyOf((byte) (k % 2), BASE + 16 * k, k % 7, -1));
        }
        for (int k = 99; k >= 0; k--) {
            assertEquals(k, t.keyOf((byte) (k % 2), BASE + 16 * k, k % 7, -1), "known key " + k);
            assertEquals(BASE + 16 * k, t.location(k));
            assertEquals(k % 7, t.reason(k));
            assertEquals(-1, t.stack(k));
            assertEquals(k % 2, t.origin(k));
        }
        assertEquals(100, t.size());
    }

    @Test
    void storageFollowsTheKeysHeldNotTheCapacity() {
        KeyTable t = new KeyTable(1 << 16);
        assertEquals(1024, t.blockLength());
        assertEquals(0, t.blocksMade());
        t.keyOf((byte) 0, BASE, 2, -1);
        assertEquals(1, t.blocksMade());
        for (int k = 1; k <= 1024; k++) {
            t.keyOf((byte) 0, BASE + k, 2, -1);
        }
        assertEquals(1025, t.size());
        assertEquals(2, t.blocksMade());
    }

    @Test
    void fullTableNumbersThreeQuartersOfItsSlots() {
        KeyTable t = new KeyTable(16);
        for (int k = 0; k < 12; k++) {
            assertEquals(k, t.keyOf((byte) 0, BASE + k, 0, -1));
        }
        assertEquals(-1, t.keyOf((byte) 0, BASE + 12, 0, -1));
        assertEquals(5, t.keyOf((byte) 0, BASE + 5, 0, -1));
    }

    @Test
    void threadsRacingOverTheSameKeysAgreeOnTheirNumbers() throws Exception {
        int keys = 3000;
        KeyTable t = new KeyTable(1 << 13);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            @SuppressWarnings("unchecked")
            Future<int[]>[] seen = new Future[threads];
            for (int w = 0; w < threads; w++) {
                int from = w;
                seen[w] = pool.submit(() -> {
                    go.await();
                    int[] numbers = new int[keys];
                    for (int j = 0; j < keys; j++) {
                        int k = (j * 7 + from * 1001) % keys;
                        numbers[k] = t.keyOf((byte) 0, BASE + 8L * k, 1, -1);
                    }
                    return numbers;
                });
            }
            go.countDown();
            int[] first = seen[0].get(60, TimeUnit.SECONDS);
            boolean[] used = new boolean[keys];
            for (int k = 0; k < keys; k++) {
                int n = first[k];
                assertEquals(BASE + 8L * k, t.location(n), "key " + k);
                assertEquals(false, used[n], "number " + n + " given twice");
                used[n] = true;
            }
            for (int w = 1; w < threads; w++) {
                int[] other = seen[w].get(60, TimeUnit.SECONDS);
                for (int k = 0; k < keys; k++) {
                    assertEquals(first[k], other[k], "thread " + w + ", key " + k);
                }
            }
            assertEquals(keys, t.size());
        } finally {
            pool.shutdownNow();
        }
    }
}
