// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class PipedInputTest {
    @Test
    void echoesPromptAndLineAsReadlineDoesWithoutATerminal() throws Exception {
        StringWriter out = new StringWriter();
        PipedInput in = new PipedInput(new BufferedReader(new StringReader("start\nstop\n")), new PrintWriter(out));
        assertEquals("start", in.readLine("dropscope> "));
        assertEquals("stop", in.readLine("dropscope> "));
        assertNull(in.readLine("dropscope> "));
        // dropwatch 1.5.4 piped: "dropwatch> start" (readline's echo); nothing at end of input.
        assertEquals("dropscope> start\ndropscope> stop\n", out.toString().replace(System.lineSeparator(), "\n"));
    }
}
