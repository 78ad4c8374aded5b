// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dropscope.shell.Shell;
import sun.misc.Signal;

/**
 * Signal handling around a command that changes kernel state (the shell, {@code dump}), so that
 * every kernel resource is released however the process is asked to end.
 *
 * <ul>
 *   <li>SIGINT (Ctrl-C): {@link Session#interrupt()}: the shell stops monitoring, as dropwatch
 *       does, and {@code dump} ends; when the session is idle, dropscope ends with exit code 130.
 *       A process started in the background by a non-interactive shell inherits SIGINT as
 *       ignored; the JVM then refuses a handler and SIGINT stays ignored, which is what such
 *       scripts expect (they send SIGTERM).</li>
 *   <li>SIGTERM: {@link Session#shutdown()} (monitoring stops, what the kernel sent before is
 *       still shown or written), then everything is released and dropscope exits 0, or with the
 *       code of a failure the command had met before ({@link Session#exitCodeAfterShutdown()}).</li>
 *   <li>Any other JVM exit: a shutdown hook does the same.</li>
 * </ul>
 */
final class Signals {
    /** What a command does, and how a signal ends it. */
    interface Session {
        /** Runs the command on the calling thread; returns its exit code. */
        int run() throws IOException;

        /** SIGINT; false when there was nothing to interrupt and dropscope should end (130). */
        boolean interrupt();

        /** Ends whatever runs and returns once it has ended. Called from another thread. */
        void shutdown();

        /**
         * The exit code after SIGTERM's {@link #shutdown()}: 0, unless the command had already
         * failed (a {@code record} whose disk filled up before the signal came exits 5 all the same).
         */
        default int exitCodeAfterShutdown() {
            return ExitCodes.OK;
        }
    }

    /** What runs on the main thread until it is asked to stop. */
    @FunctionalInterface
    interface Body {
        int run() throws IOException;
    }

    private Signals() {
    }

    /**
     * A session that SIGINT and SIGTERM both end by {@code requestStop} (never exiting 130: the
     * body ends itself); SIGTERM's shutdown then waits, up to 15 s, until {@code body} returned.
     */
    static Session stoppable(Body body, Runnable requestStop) {
        CountDownLatch ended = new CountDownLatch(1);
        int[] code = {ExitCodes.OK};
        return new Session() {
            @Override
            public int run() throws IOException {
                try {
                    code[0] = body.run();
                    return code[0];
                } finally {
                    ended.countDown();
                }
            }

            @Override
            public int exitCodeAfterShutdown() {
                // Read after shutdown() saw the latch open: the body's write happened before.
                return ended.getCount() == 0 ? code[0] : ExitCodes.OK;
            }

            @Override
            public boolean interrupt() {
                requestStop.run();
                return true;
            }

            @Override
            public void shutdown() {
                requestStop.run();
                try {
                    ended.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** {@link #runWith(Session, PrintWriter, Runnable)} for the shell. */
    static int runWith(Shell shell, PrintWriter err, Runnable release) throws IOException {
        return runWith(new Session() {
            @Override
            public int run() throws IOException {
                return ExitCodes.of(shell.run());
            }

            @Override
            public boolean interrupt() {
                return shell.interrupt();
            }

            @Override
            public void shutdown() {
                shell.shutdown();
            }
        }, err, release);
    }

    /**
     * Runs {@code session}; whichever way the process ends, the session is shut down and then
     * {@code release} runs (once): it puts back kernel state the command changed.
     */
    static int runWith(Session session, PrintWriter err, Runnable release) throws IOException {
        return runWith(session, err, release, true);
    }

    /**
     * {@link #runWith(Session, PrintWriter, Runnable)}, with the signal handlers and the shutdown
     * hook only if {@code handleSignals}: tests that interrupt the session themselves run it
     * without, in a JVM that is not theirs to take over.
     */
    static int runWith(Session session, PrintWriter err, Runnable release, boolean handleSignals)
            throws IOException {
        Runnable end = once(() -> {
            session.shutdown();
            release.run();
        });
        if (handleSignals) {
            Runtime.getRuntime().addShutdownHook(new Thread(end, "dropscope-shutdown"));
            install("INT", () -> {
                if (!session.interrupt()) {
                    end.run();
                    Runtime.getRuntime().halt(exitAfterFlush(err, ExitCodes.INTERRUPTED));
                }
            });
            install("TERM", () -> {
                end.run();
                Runtime.getRuntime().halt(exitAfterFlush(err, session.exitCodeAfterShutdown()));
            });
        }
        try {
            return session.run();
        } finally {
            end.run();
        }
    }

    /**
     * Runs {@code r} the first time it is called; a later caller waits until that run has
     * finished, so that no thread goes on to exit while another still puts kernel state back.
     */
    static Runnable once(Runnable r) {
        Object lock = new Object();
        boolean[] done = {false};
        return () -> {
            synchronized (lock) {
                if (!done[0]) {
                    done[0] = true;
                    r.run();
                }
            }
        };
    }

    private static int exitAfterFlush(PrintWriter err, int code) {
        err.flush();
        System.out.flush();
        return code;
    }

    private static void install(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), s -> action.run());
        } catch (IllegalArgumentException e) {
            // Ignored at startup (nohup, background job of a script): leave it ignored.
        }
    }
}
