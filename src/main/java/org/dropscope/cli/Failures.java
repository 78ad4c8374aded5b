// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.dropscope.shell.ExitCodes;
import org.dropscope.view.Printable;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * dropscope's errors as one line each. Last line of defence: an exception no command handled is a
 * bug. The user gets one line saying so; the stack trace only with {@code DROPSCOPE_DEBUG=1}. A
 * command line that does not parse, or an option value a command rejects, is one line too. Messages
 * quote file names, files and the kernel, so they are printed through {@link Printable#text}.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /** Prints {@code message} as dropscope's one error line and returns the exit code {@code code}. */
    static int line(PrintWriter err, int code, String message) {
        err.println("dropscope: " + Printable.text(message));
        err.flush();
        return code;
    }

    /** Why a file operation failed, in a few words ("no such directory", "No space left on device"). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage();
    }

    /** Closes {@code out} on a path that already failed or is ending: what it cannot flush is lost anyway. */
    static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // Said already, or a broken pipe refused it.
        }
    }

    /** A command line picocli cannot parse: one line, the problem and where help is, exit code 2. */
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String help = cl.getCommandSpec().qualifiedName();
        return line(cl.getErr(), ExitCodes.USAGE, ex.getMessage() + " (" + help + " --help lists the options)");
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        if (ex instanceof IllegalArgumentException) {
            return line(cl.getErr(), ExitCodes.USAGE, ex.getMessage());
        }
        cl.getErr().println("dropscope: internal error: " + Printable.text(String.valueOf(ex))
                + " (this is a bug; rerun with DROPSCOPE_DEBUG=1 for details and report it)");
        if ("1".equals(System.getenv("DROPSCOPE_DEBUG"))) {
            ex.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return ExitCodes.SOFTWARE;
    }
}
