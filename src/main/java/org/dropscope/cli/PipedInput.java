// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import org.dropscope.shell.Shell;

/**
 * The shell's input when standard input is not a terminal (a script's pipe or a file). dropwatch
 * reads its commands with GNU readline, which, without a terminal, still writes the prompt and
 * echoes the line it read to standard output; so does this, so that the output of a piped
 * session reads the same with either tool: {@code dropscope> start}, then the reply lines.
 */
final class PipedInput implements Shell.Input {
    private final BufferedReader in;
    private final PrintWriter out;

    PipedInput(BufferedReader in, PrintWriter out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public String readLine(String prompt) throws IOException {
        String line = in.readLine();
        if (line != null) {
            // The monitor prints whole alerts holding this lock: the echo never splits one.
            synchronized (out) {
                out.println(prompt + line);
                out.flush();
            }
        }
        return line;
    }
}
