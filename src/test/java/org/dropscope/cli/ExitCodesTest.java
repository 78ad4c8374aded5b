// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.dropscope.shell.ShellEnd;
import org.dropscope.source.SourceException;
import org.junit.jupiter.api.Test;

/** How the shell's ending becomes the process's exit code (README.md's table). */
class ExitCodesTest {

    @Test
    void theShellsEndingsMapToTheDocumentedCodes() {
        assertEquals(0, ExitCodes.of(ShellEnd.EXITED));
        assertEquals(130, ExitCodes.of(ShellEnd.INTERRUPTED));
        assertEquals(2, ExitCodes.of(ShellEnd.failed(SourceException.Kind.USAGE)));
        assertEquals(3, ExitCodes.of(ShellEnd.failed(SourceException.Kind.NO_PERMISSION)));
        assertEquals(4, ExitCodes.of(ShellEnd.failed(SourceException.Kind.NO_KERNEL_FEATURE)));
        assertEquals(5, ExitCodes.of(ShellEnd.failed(SourceException.Kind.BAD_INPUT)));
        assertEquals(6, ExitCodes.of(ShellEnd.failed(SourceException.Kind.SYSTEM)));
    }

    @Test
    void aShellEndIsEitherInterruptedOrFailedNeverBoth() {
        assertThrows(IllegalArgumentException.class, () -> new ShellEnd(true, SourceException.Kind.SYSTEM));
        assertThrows(NullPointerException.class, () -> ShellEnd.failed(null));
    }
}
