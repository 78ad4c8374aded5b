// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The command line of {@code record}: values, durations, and what is refused before any kernel
 * resource is opened (nothing here needs privileges: every case ends before the source).
 */
class RecordCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final RecordCommand command = new RecordCommand();

    @TempDir
    Path dir;

    private int run(String... args) {
        command.stdout = new ByteArrayOutputStream();
        command.handleSignals = false;
        return CommandRun.of(command).printingTo(out, err).run(args).exit();
    }

    @Test
    void theRingsAreLargerThanTopsUnlessRingPagesIsGiven() {
        assertEquals(ExitCodes.USAGE, run("--duration=5x", "-o", dir.resolve("x.dsr").toString()));
        assertEquals(RecordCommand.RING_PAGES, command.source.ringPages);
        assertEquals(ExitCodes.USAGE, run("--duration=5x", "--ring-pages", "64", "-o", dir.resolve("x.dsr").toString()));
        assertEquals(64, command.source.ringPages);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "7|7000",
        "10s|10000",
        "500ms|500",
        "2m|120000",
        "1h|3600000"})
    void durationsAreSecondsOrNumbersWithAUnit(String text, long millis) {
        assertEquals(millis, RecordCommand.durationMillis(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0s|--duration must be longer than 0, not '0s'",
        "1.5s|--duration takes seconds, or a number with ms, s, m or h (500ms, 10s, 2m), not '1.5s'",
        "10 s|--duration takes seconds, or a number with ms, s, m or h (500ms, 10s, 2m), not '10 s'",
        "-3|--duration takes seconds, or a number with ms, s, m or h (500ms, 10s, 2m), not '-3'",
        "3d|--duration takes seconds, or a number with ms, s, m or h (500ms, 10s, 2m), not '3d'"})
    void badDurationsAreRefused(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecordCommand.durationMillis(text));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--duration=5x|dropscope: --duration takes seconds, or a number with ms, s, m or h (500ms, 10s, 2m), not '5x'",
        "-l=list|dropscope: -l/--lmethod takes kas or none, not 'list'",
        "--source=netdm -g|dropscope: -g/--call-graph needs the tracepoint source: NET_DM reports no kernel stacks",
        "--ring-pages=3|dropscope: --ring-pages must be a power of two from 1 to 262144, got 3",
        "--filter=reason ==|dropscope: --filter: column 10: expected a value after '==', found the end",
        "--filter=cpu =~ 1*|dropscope: --filter: column 5: 'cpu' does not take '=~' (expected: ==, !=, <, <=, >, >=, in)",
        "-l=none --filter=symbol == f|dropscope: --filter: column 1: 'symbol' needs the kernel's symbols: drop -l none"})
    void badValuesAreOneLineAndExitCode2BeforeAnythingIsOpened(String options, String line) {
        List<String> args = new ArrayList<>(List.of(options.split(" (?=-)")));
        args.addAll(List.of("-o", dir.resolve("x.dsr").toString()));
        assertEquals(ExitCodes.USAGE, run(args.toArray(new String[0])), err.toString());
        assertEquals(line + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
        assertFalse(Files.exists(dir.resolve("x.dsr")), "the record file was created");
    }

    @Test
    void theOutputIsRequired() {
        assertEquals(ExitCodes.USAGE, run("--duration", "1s"));
        assertEquals("dropscope: Missing required option: '--output=FILE' (record --help lists the options)"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void callGraphsChooseTheTracepointUnderAuto() {
        CommandLine cl = new CommandLine(command);
        cl.parseArgs("-g", "-o", "x.dsr");
        command.stdout = new ByteArrayOutputStream();
        assertEquals(0, command.validate());
        assertEquals(SourceOptions.Kind.tracepoint, command.source.source);
    }

    /**
     * The help says how counted keys are recorded and how to have every drop's own time and stack
     * instead.
     */
    @Test
    void theHelpSaysHowToRecordEveryDropsOwnTimeAndStack() {
        assertEquals(ExitCodes.OK, run("--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("its drops are then recorded as events of the drops counted between two reads"), help);
        assertTrue(help.contains("Every drop keeps its own event, time and stack with --hot-threshold 0"), help);
        assertTrue(help.contains("with -g, --stack-period 1 takes every hot drop's stack"), help);
    }

    @Test
    void theRecordCommandIsRegistered() {
        CommandLine root = DropscopeCommand.newCommandLine();
        assertEquals(RecordCommand.class, root.getSubcommands().get("record").getCommand().getClass());
    }
}
