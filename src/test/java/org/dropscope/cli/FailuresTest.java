// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** The last line of defence: what is a usage error, what is a bug, and the words for a failed file operation. */
class FailuresTest {
    private final StringWriter err = new StringWriter();

    @Command(name = "throws")
    static final class Throws implements Callable<Integer> {
        private final RuntimeException e;

        Throws(RuntimeException e) {
            this.e = e;
        }

        @Override
        public Integer call() {
            throw e;
        }
    }

    private int run(RuntimeException e) {
        return CommandRun.of(new Throws(e)).printingTo(new StringWriter(), err).run().exit();
    }

    @Test
    void onlyAUsageExceptionIsABadCommandLine() {
        assertEquals(ExitCodes.USAGE, run(new UsageException("--x takes 1 to 9, not 10")));
        assertEquals("dropscope: --x takes 1 to 9, not 10\n", err.toString());
        err.getBuffer().setLength(0);
        // Java's words for a number too long (a damaged file's, say) are not the user's command line.
        assertEquals(ExitCodes.SOFTWARE, run(new NumberFormatException("For input string: \"10000000000000000\"")));
        assertTrue(err.toString().startsWith("dropscope: internal error: java.lang.NumberFormatException: "),
                err::toString);
        assertTrue(err.toString().endsWith("(this is a bug; rerun with DROPSCOPE_DEBUG=1 for details and report it)\n"),
                err::toString);
    }

    @Test
    void aFailedFileOperationIsSaidInWordsWithoutTheFileName() {
        assertEquals("no such file or directory", Failures.reason(new NoSuchFileException("/nonexistent")));
        assertEquals("permission denied", Failures.reason(new AccessDeniedException("/root/x")));
        assertEquals("is a directory", Failures.reason(new FileSystemException("/tmp", null, "Is a directory")));
        assertEquals("no space left on device", Failures.reason(new IOException("No space left on device")));
        assertEquals("EOFException", Failures.reason(new java.io.EOFException()));
    }

    @Test
    void helpTopPrintsTopsHelpAsPicocliUsersExpect() {
        StringWriter out = new StringWriter();
        CommandRun cli = CommandRun.dropscope().printingTo(out, err);
        assertEquals(ExitCodes.OK, cli.run("help", "top").exit());
        assertTrue(out.toString().startsWith("Usage: dropscope top "), out::toString);
        assertEquals("", err.toString());
        assertEquals(ExitCodes.USAGE, cli.run("help", "nosuch").exit());
    }
}
