// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalsTest {
    @Test
    void sigtermAfterAFailureExitsWithTheFailuresCode() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);
        Signals.Session s = Signals.stoppable(() -> {
            // A recording whose disk filled up: it ends with exit code 5 on its own.
            failed.countDown();
            return ExitCodes.BAD_INPUT;
        }, stop::countDown);
        Thread main = runOnAThread(s);
        failed.await(10, TimeUnit.SECONDS);
        main.join(10_000);
        s.shutdown();
        assertEquals(ExitCodes.BAD_INPUT, s.exitCodeAfterShutdown());
    }

    @Test
    void sigtermWhileRunningEndsTheBodyAndExitsZero() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Signals.Session s = Signals.stoppable(() -> {
            try {
                stop.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ExitCodes.OK;
        }, stop::countDown);
        Thread main = runOnAThread(s);
        s.shutdown();
        main.join(10_000);
        assertEquals(ExitCodes.OK, s.exitCodeAfterShutdown());
        assertEquals(0, stop.getCount(), "SIGTERM asked the body to stop");
    }

    /** The command's main thread. */
    private static Thread runOnAThread(Signals.Session s) {
        Thread main = new Thread(() -> {
            try {
                s.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        main.start();
        return main;
    }
}
