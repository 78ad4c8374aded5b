// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
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
     * Resolves {@code method}; errors are one line on {@code err}.
     *
     * @param announce a line printed before kallsyms is read (dropwatch's), or {@code null}
     * @throws IOException when /proc/kallsyms cannot be read for another reason
     */
    static Lookup load(String method, PrintWriter out, PrintWriter err, String announce) throws IOException {
        switch (method) {
            case "list":
                out.println("Available lookup methods:");
                out.println("kas - use /proc/kallsyms");
                out.println("none - print raw addresses");
                out.flush();
                return new Lookup(null, ExitCodes.OK);
            case "none":
                return new Lookup(null, GO_ON);
            case "kas":
                if (announce != null) {
                    out.println(announce);
                    out.flush();
                }
                try {
                    return new Lookup(Symbolizer.fromProc(), GO_ON);
                } catch (KallsymsUnavailableException e) {
                    return new Lookup(null, Failures.line(err, ExitCodes.NO_PERMISSION, e.getMessage()));
                } catch (KallsymsFormatException e) {
                    return new Lookup(null, Failures.line(err, ExitCodes.BAD_INPUT, "/proc/kallsyms: " + e.getMessage()
                            + "; use -l none to go without symbols"));
                }
            default:
                return new Lookup(null, Failures.line(err, ExitCodes.USAGE, "unknown lookup method " + method
                        + " (use kas or none; -l list shows them)"));
        }
    }
}
