// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line of {@code top}: what is refused before any kernel resource is touched. */
class TopCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = DropscopeCommand.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--group=line|dropscope: --group takes symbol+reason, symbol, reason or stack, not 'line'",
        "--sort=size|dropscope: --sort takes drops/s, total or name, not 'size'",
        "-n=-1|dropscope: -n/--iterations takes 1 or more (0: no limit), not -1",
        "--interval=5|dropscope: --interval must be at least 10 ms, got 5",
        "--filter=cpu in {1,|dropscope: --filter: column 11: expected a value after 'in', found the end"})
    void badValuesAreOneLineAndExitCode2(String option, String line) {
        assertEquals(ExitCodes.USAGE, run("top", "--batch", option));
        assertEquals(line + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void lookupMethodsAreListedAsTheShellListsThem() {
        assertEquals(ExitCodes.OK, run("top", "-l", "list"));
        assertEquals(String.join(System.lineSeparator(), "Available lookup methods:", "kas - use /proc/kallsyms",
                "none - print raw addresses", ""), out.toString());
    }

    @Test
    void groupingsAndSortsAreNamedAsTheHeaderShowsThem() {
        assertEquals("stack", TopCommand.grouping("stack").label());
        assertEquals("drops/s", TopCommand.sort("drops/s").label());
    }
}
