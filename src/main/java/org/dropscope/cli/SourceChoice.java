// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.PrintWriter;
import org.dropscope.source.DropSource;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFactory;
import org.dropscope.source.SourceFilter;

/**
 * The source a command runs with, once {@code --source} is resolved against the kernel.
 *
 * @param name "NET_DM" or "tracepoint"
 * @param factory opens monitoring sessions
 * @param netDm NET_DM's settings when the source is NET_DM, else {@code null}
 * @param note one line saying which source {@code auto} chose and why, or {@code null}
 * @param closer releases what the choice holds (NET_DM's control socket, restoring its
 *     configuration); returns a line about what could not be put back, or {@code null}
 */
record SourceChoice(String name, SourceFactory factory, NetDmSettings netDm, String note, Closer closer) {
    /** Runs the {@link #closer}, saying on {@code err} what could not be put back. */
    Runnable releaser(PrintWriter err) {
        return () -> {
            String problem = closer.close();
            if (problem != null) {
                Failures.line(err, ExitCodes.SYSTEM, problem);
            }
        };
    }

    /**
     * Opens a session with {@code filter} in place (the kernel's part set on the still disabled
     * events); if the filter cannot be applied, the session is closed again before this throws.
     */
    Opened open(SourceFilter filter) throws SourceException {
        DropSource source = factory.open();
        try {
            return new Opened(source, source.filter(filter));
        } catch (SourceException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * @param source the open, not yet started session
     * @param kernelFilter the filter string the kernel evaluates, or {@code null}
     */
    record Opened(DropSource source, String kernelFilter) {
    }

    /** Releases a choice's kernel state; never throws. */
    @FunctionalInterface
    interface Closer {
        Closer NONE = () -> null;

        String close();
    }
}
