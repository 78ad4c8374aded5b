// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * JLine's system terminal, as top and the shell open it: through JLine's native (JNI) provider
 * when it works, else JLine's own choice.
 *
 * <p>Left to choose, JLine 3.29 loads every provider it knows (FFM, JNI, Jansi, JNA, exec) and asks
 * each whether standard input, output and error are terminals: the exec provider answers by
 * running {@code test -t 1} in a child process (and starts the JDK's process reaper thread), even
 * when the JNI provider has already answered. Named alone, the JNI provider answers with isatty(3)
 * and nothing is spawned. Where it cannot load (its native library has no build for the machine,
 * or cannot be extracted and loaded from the temporary directory), JLine's default list is tried
 * as before, so the exec provider still serves.
 */
final class SystemTerminal {
    private SystemTerminal() {
    }

    /** The system terminal; JLine's dumb terminal only where no provider can open the real one. */
    static Terminal open() throws IOException {
        try {
            return TerminalBuilder.builder().system(true).provider(TerminalBuilder.PROP_PROVIDER_JNI).dumb(false)
                    .build();
        } catch (IOException | IllegalStateException | LinkageError e) {
            return TerminalBuilder.builder().system(true).build();
        }
    }
}
