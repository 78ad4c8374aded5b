// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.dropscope.ksym.KallsymsFormatException;
import org.dropscope.ksym.KallsymsUnavailableException;
import org.dropscope.ksym.Symbolizer;

/**
 * dropwatch's {@code -l}: how drop locations are named. {@code kas} loads /proc/kallsyms,
 * {@code none} names nothing, {@code list} prints the methods.
 *
 * @param symbols the kallsyms symbolizer for {@code kas}, {@code null} for {@code none}
 * @param exitCode {@link #GO_ON}, or the code to end the command with (after {@code list} or an error)
 */
record Lookup(Symbolizer symbols, int exitCode) {
    static final int GO_ON = -1;

    /**
     * A lookup being made: {@code kas} reads /proc/kallsyms on a thread of its own (about a third
     * of top's start), so that the caller can open its source meanwhile; the other methods are
     * done at once. {@link #join} gives what {@link #load} would have, its error line included
     * (once, however often it is called); nothing is printed before it. For one thread.
     */
    static final class Pending {
        private Lookup done;
        private final Background<Symbolizer> loading;
        private final PrintWriter err;
        private UnaryOperator<String> onPrivilege = UnaryOperator.identity();

        private Pending(Lookup done, Background<Symbolizer> loading, PrintWriter err) {
            this.done = done;
            this.loading = loading;
            this.err = err;
        }

        /** Rewrites the line of a privilege error (kallsyms hidden) before it is printed; returns this. */
        Pending onPrivilege(UnaryOperator<String> rewrite) {
            this.onPrivilege = rewrite;
            return this;
        }

        /** Whether {@link #join} may have to wait: kallsyms is being read. */
        boolean loading() {
            return done == null;
        }

        /**
         * Waits for the lookup; an error is one line on {@code err}, as {@link #load} prints it.
         *
         * @throws IOException when /proc/kallsyms cannot be read for another reason
         */
        Lookup join() throws IOException {
            if (done != null) {
                return done;
            }
            try {
                done = new Lookup(loading.join(), GO_ON);
            } catch (KallsymsUnavailableException e) {
                done = new Lookup(null, Failures.line(err, ExitCodes.NO_PERMISSION, onPrivilege.apply(e.getMessage())));
            } catch (KallsymsFormatException e) {
                done = new Lookup(null, Failures.line(err, ExitCodes.BAD_INPUT, "/proc/kallsyms: " + e.getMessage()
                        + "; use -l none to go without symbols"));
            }
            return done;
        }
    }

    /**
     * For a command that names drops in what it writes (a file, the daemon's streams), where
     * {@code list} means nothing.
     *
     * @throws UsageException unless {@code method} is {@code kas} or {@code none}
     */
    static void requireKasOrNone(String method) {
        if (!method.equals("kas") && !method.equals("none")) {
            throw new UsageException("-l/--lmethod takes kas or none, not '" + method + "'");
        }
    }

    /**
     * Resolves {@code method}; errors are one line on {@code err}.
     *
     * @param announce a line printed before kallsyms is read (dropwatch's), or {@code null}
     * @throws IOException when /proc/kallsyms cannot be read for another reason
     */
    static Lookup load(String method, PrintWriter out, PrintWriter err, String announce) throws IOException {
        return begin(method, out, err, announce).join();
    }

    /**
     * Starts resolving {@code method}: {@code kas} on a daemon thread, the others at once (see
     * {@link Pending}).
     *
     * @param announce a line printed before kallsyms is read (dropwatch's), or {@code null}
     */
    static Pending begin(String method, PrintWriter out, PrintWriter err, String announce) {
        return begin(method, out, err, announce, Symbolizer::fromProc);
    }

    /** {@link #begin(String, PrintWriter, PrintWriter, String)} with {@code kas} read by {@code kas}. */
    static Pending begin(String method, PrintWriter out, PrintWriter err, String announce, Callable<Symbolizer> kas) {
        switch (method) {
            case "list":
                out.println("Available lookup methods:");
                out.println("kas - use /proc/kallsyms");
                out.println("none - print raw addresses");
                out.flush();
                return new Pending(new Lookup(null, ExitCodes.OK), null, err);
            case "none":
                return new Pending(new Lookup(null, GO_ON), null, err);
            case "kas":
                if (announce != null) {
                    out.println(announce);
                    out.flush();
                }
                return new Pending(null, Background.start("dropscope-kallsyms", kas), err);
            default:
                return new Pending(new Lookup(null, Failures.line(err, ExitCodes.USAGE, "unknown lookup method "
                        + method + " (use kas or none; -l list shows them)")), null, err);
        }
    }
}
