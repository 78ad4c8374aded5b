// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.dropscope.shell.ExitCodes;
import org.dropscope.shell.Shell;
import sun.misc.Signal;

/**
 * Signal handling around a shell run, so that every kernel resource is released however the
 * process is asked to end.
 *
 * <ul>
 *   <li>SIGINT (Ctrl-C): stops monitoring, as in dropwatch; when not monitoring, ends dropscope
 *       with exit code 130. A process started in the background by a non-interactive shell
 *       inherits SIGINT as ignored; the JVM then refuses a handler and SIGINT stays ignored,
 *       which is what such scripts expect (they send SIGTERM).</li>
 *   <li>SIGTERM: stops monitoring (the last interval is still printed), releases everything and
 *       exits 0.</li>
 *   <li>Any other JVM exit: a shutdown hook releases what is still held.</li>
 * </ul>
 */
final class Signals {
    private Signals() {
    }

    /**
     * Runs {@code shell}; whichever way the process ends, monitoring is stopped and then
     * {@code release} runs (once): it puts back kernel state the source changed.
     */
    static int runWith(Shell shell, PrintWriter err, Runnable release) throws IOException {
        Runnable end = once(() -> {
            shell.shutdown();
            release.run();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(end, "dropscope-shutdown"));
        install("INT", () -> {
            if (!shell.interrupt()) {
                end.run();
                Runtime.getRuntime().halt(exitAfterFlush(err, ExitCodes.INTERRUPTED));
            }
        });
        install("TERM", () -> {
            end.run();
            Runtime.getRuntime().halt(exitAfterFlush(err, ExitCodes.OK));
        });
        try {
            return shell.run();
        } finally {
            end.run();
        }
    }

    private static Runnable once(Runnable r) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                r.run();
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
