// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.dropscope.netlink.dropmon.NetDmCmd;
import org.dropscope.source.tracepoint.TracepointOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line of {@code top}: what is refused before any kernel resource is touched. */
class TopCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CommandRun.dropscope().printingTo(out, err).run(args).exit();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--group=line|dropscope: --group takes symbol+reason, symbol, reason or stack, not 'line'",
        "--sort=size|dropscope: --sort takes drops/s, total or name, not 'size'",
        "-n=-1|dropscope: -n/--iterations takes 1 or more (0: no limit), not -1",
        "--interval=5|dropscope: --interval must be at least 10 ms, got 5",
        "--stack-period=0|dropscope: --stack-period must be 1 or more drops, got 0",
        "--filter=cpu in {1,|dropscope: --filter: column 11: expected a value after 'in', found the end"})
    void badValuesAreOneLineAndExitCode2(String option, String line) {
        assertEquals(ExitCodes.USAGE, run("top", "--batch", option));
        assertEquals(line + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
    }

    /** With stacks, cold drops are samples with call chains until their keys are counted: a larger ring. */
    @ParameterizedTest
    @CsvSource({
        "'', " + TopCommand.STACK_RING_PAGES,
        "--no-stacks, " + TracepointOptions.DEFAULT_RING_PAGES,
        "--ring-pages=64, 64",
        "--no-stacks --ring-pages=64, 64"})
    void theRingIsLargerWithStacksUnlessItsSizeIsGiven(String args, int pages) {
        TopCommand top = new TopCommand();
        CommandLine cl = new CommandLine(top);
        cl.parseArgs(args.isEmpty() ? new String[0] : args.split(" "));
        top.settleDefaults();
        assertEquals(pages, top.options.source.ringPages);
    }

    @Test
    void lookupMethodsAreListedAsTheShellListsThem() {
        assertEquals(ExitCodes.OK, run("top", "-l", "list"));
        assertEquals(String.join(System.lineSeparator(), "Available lookup methods:", "kas - use /proc/kallsyms",
                "none - print raw addresses", ""), out.toString());
    }

    /**
     * {@code top -b} over NET_DM (a fake kernel) into a standard output that fails from the first
     * block: top ends by itself, stops and releases NET_DM, and exits by the rule of every command.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "No space left on device|5|dropscope: cannot write standard output: no space left on device",
        "Broken pipe|0|"})
    void aStandardOutputThatFailsEndsTopByTheRuleOfEveryCommand(String why, int exit, String line) {
        FakeNetDm net = new FakeNetDm().resolves().acks(2);
        TopCommand top = new TopCommand();
        top.handleSignals = false;
        top.options.source.netDmSockets = net;
        CommandRun cli = CommandRun.of(top).printingTo(out, err).stdout(FakeNetDm.failingAfter(0, why));
        // No -n: only the failed write can end it.
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.run("--batch", "--source", "netdm",
                "-l", "none", "--interval", "10").exit());
        assertEquals(exit, code, err.toString());
        assertEquals(line == null ? List.of() : List.of(line), err.toString().lines().toList());
        assertEquals(List.of("ctrl:3", Integer.toString(NetDmCmd.NET_DM_CMD_START.intValue()),
                Integer.toString(NetDmCmd.NET_DM_CMD_STOP.intValue())), net.requests(), "GETFAMILY, START, STOP");
    }

    /** What a command prints and ends without looking at (-l list, --help) follows the same rule. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "No space left on device|5|dropscope: cannot write standard output: no space left on device",
        "Broken pipe|0|"})
    void listsAndHelpFollowTheRuleToo(String why, int exit, String line) {
        for (String[] args : List.of(new String[] {"top", "-l", "list"}, new String[] {"--help"})) {
            err.getBuffer().setLength(0);
            CommandRun cli = CommandRun.dropscope().printingTo(out, err).stdout(FakeNetDm.failingAfter(0, why));
            assertEquals(exit, cli.run(args).exit(), err.toString());
            assertEquals(line == null ? List.of() : List.of(line), err.toString().lines().toList());
        }
    }

    @Test
    void groupingsAndSortsAreNamedAsTheHeaderShowsThem() {
        assertEquals("stack", TopCommand.grouping("stack").label());
        assertEquals("drops/s", TopCommand.sort("drops/s").label());
    }
}
