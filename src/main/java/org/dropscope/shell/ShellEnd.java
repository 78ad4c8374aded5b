// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import java.util.Objects;
import org.dropscope.source.SourceException;

/**
 * How {@link Shell#run()} ended. The shell knows no exit codes: the command line turns this into
 * one (README.md's table).
 *
 * @param interrupted Ctrl-C at an idle prompt, which ends dropwatch too
 * @param failure why a source could not be opened or started, or {@code null}
 */
public record ShellEnd(boolean interrupted, SourceException.Kind failure) {
    /** {@code exit}, {@code quit} or the end of input. */
    public static final ShellEnd EXITED = new ShellEnd(false, null);
    /** Ctrl-C at an idle prompt. */
    public static final ShellEnd INTERRUPTED = new ShellEnd(true, null);

    public ShellEnd {
        if (interrupted && failure != null) {
            throw new IllegalArgumentException("interrupted and failed at once");
        }
    }

    /** A source failed to open or start; the shell said why on its error writer. */
    public static ShellEnd failed(SourceException.Kind kind) {
        return new ShellEnd(false, Objects.requireNonNull(kind, "kind"));
    }
}
