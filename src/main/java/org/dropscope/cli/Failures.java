// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.dropscope.view.Printable;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * dropscope's errors as one line each. Last line of defence: an exception no command handled is a
 * bug. The user gets one line saying so; the stack trace only with {@code DROPSCOPE_DEBUG=1}. A
 * command line that does not parse, or an option value a command rejects ({@link UsageException}),
 * is one line too, exit code 2. Messages quote file names, files and the kernel, so they are
 * printed through {@link Printable#text}.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /** Prints {@code message} as dropscope's one error line and returns the exit code {@code code}. */
    static int line(PrintWriter err, int code, String message) {
        err.println("dropscope: " + Printable.text(message));
        err.flush();
        return code;
    }

    /**
     * Why a file operation failed, in a few lowercase words the same for every command: "no such
     * file or directory", "permission denied", "is a directory", "no space left on device". The
     * file's name is not part of it: the caller says which file, and whether reading or writing.
     */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "file exists";
        }
        // The operating system's words (strerror), as "Is a directory" or "No space left on device".
        String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (why == null || why.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        return why.length() > 1 && Character.isUpperCase(why.charAt(0)) && Character.isLowerCase(why.charAt(1))
                ? Character.toLowerCase(why.charAt(0)) + why.substring(1) : why;
    }

    /** Prints "cannot {@code verb} {@code what}: reason" as the one error line; returns {@code code}. */
    static int cannot(PrintWriter err, int code, String verb, Object what, IOException e) {
        return line(err, code, "cannot " + verb + " " + what + ": " + reason(e));
    }

    /**
     * The one rule for a write that failed, in every command and for every output (standard
     * output, {@code record -o}, {@code dump -w}, {@code report --svg}): when the reader of a pipe
     * went away ({@code | head}: it has what it wanted), nothing is said and the exit code is 0;
     * any other failure (a full disk, /dev/full, an I/O error, a file that cannot be opened) is
     * the one error line "cannot write WHERE: why{@code after}" and exit code 5, a file that
     * cannot be written. A script thus tells a short output it asked for from a lost one.
     *
     * @param after what the line adds after the reason, "" for nothing
     * @return the exit code
     */
    static int cannotWrite(PrintWriter err, String where, IOException e, String after) {
        if (isBrokenPipe(e)) {
            return ExitCodes.OK;
        }
        return line(err, ExitCodes.BAD_INPUT, "cannot write " + where + ": " + reason(e) + after);
    }

    /**
     * Flushes a command's standard output and, when writing it failed, applies
     * {@link #cannotWrite}: exit code 5 with one line, or 0 when the reader of a pipe went away.
     * Null when everything was written.
     */
    static Integer output(PrintWriter out, PrintWriter err) {
        IOException e = CheckedWriter.failure(out);
        return e == null ? null : cannotWrite(err, "standard output", e, "");
    }

    /** The reader of a pipe went away ({@code | head}): an end, not an error. */
    static boolean isBrokenPipe(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("Broken pipe");
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
        // Only a command's own word on its options is a usage error: any other exception, an
        // IllegalArgumentException from decoding a file included, is a bug.
        if (ex instanceof UsageException) {
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
