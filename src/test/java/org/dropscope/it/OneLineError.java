// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** The contract of every dropscope error: one line on stderr, cause and fix, its exit code, no stack trace. */
final class OneLineError {
    private OneLineError() {
    }

    /**
     * Asserts that {@code run} exited {@code exit} after printing exactly one line on stderr that
     * contains every one of {@code phrases}, and that neither stream shows a stack trace.
     */
    static void assertOneLine(Commands.Result run, int exit, String... phrases) {
        String transcript = run.describe();
        assertEquals(exit, run.exit(), "exit code\n" + transcript);
        List<String> err = run.stderrLines();
        assertEquals(1, err.size(), "stderr lines\n" + transcript);
        for (String phrase : phrases) {
            assertTrue(err.get(0).contains(phrase), "the error line lacks '" + phrase + "'\n" + transcript);
        }
        for (String trace : List.of("Exception", "at org.", "at java.")) {
            assertFalse(run.stdout().contains(trace) || run.stderr().contains(trace),
                    "'" + trace + "' printed: a stack trace?\n" + transcript);
        }
    }
}
