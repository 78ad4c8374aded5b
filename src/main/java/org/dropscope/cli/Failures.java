// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import org.dropscope.shell.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Last line of defence: an exception no command handled is a bug. The user gets one line saying
 * so; the stack trace only with {@code DROPSCOPE_DEBUG=1}.
 */
final class Failures implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        if (ex instanceof IllegalArgumentException) {
            cl.getErr().println("dropscope: " + ex.getMessage());
            cl.getErr().flush();
            return ExitCodes.USAGE;
        }
        cl.getErr().println("dropscope: internal error: " + ex
                + " (this is a bug; rerun with DROPSCOPE_DEBUG=1 for details and report it)");
        if ("1".equals(System.getenv("DROPSCOPE_DEBUG"))) {
            ex.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return ExitCodes.SOFTWARE;
    }
}
