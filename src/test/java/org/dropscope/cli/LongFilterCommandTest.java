// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.dropscope.event.DropEvent;
import org.dropscope.filter.LongFilters;
import org.dropscope.report.ReportFiles;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --filter} as a script writes it, through the command line: long chains of {@code ||} and
 * {@code &&} are counted right by {@code report}; nesting past the documented limit is one line
 * with the column and exit code 2 from {@code report}, {@code top} and {@code record} alike.
 */
class LongFilterCommandTest {
    private static final List<DropEvent> EVENTS = ReportFiles.events(2000, false);

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CommandRun.dropscope().printingTo(out, err).run(args).exit();
    }

    private long reportedTotal(String filter) throws IOException {
        return reportWith("--filter", filter);
    }

    /** The total of a JSON report over the fixture with {@code filterArgs}. */
    private long reportWith(String... filterArgs) throws IOException {
        Path file = tmp.resolve("drops.dsr");
        Files.write(file, ReportFiles.write(EVENTS, 64));
        List<String> args = new ArrayList<>(List.of("report", file.toString(), "--format", "json"));
        args.addAll(List.of(filterArgs));
        assertEquals(ExitCodes.OK, run(args.toArray(new String[0])), err::toString);
        return new ObjectMapper().readTree(out.toString()).get("total").asLong();
    }

    private static long total(Predicate<DropEvent> keep) {
        return EVENTS.stream().filter(keep).mapToLong(DropEvent::count).sum();
    }

    /** 3,000 and 50,000 symbols joined by ||, the one that occurs last. */
    @ParameterizedTest
    @CsvSource({"3000", "50000"})
    void reportCountsWhatALongOrChainKeeps(int n) throws IOException {
        String filter = LongFilters.chain(n, i -> "symbol == f" + i, " || ") + " || symbol == udp_queue_rcv_one_skb";
        long expected = total(e -> ReportFiles.symbol(e).equals("udp_queue_rcv_one_skb"));
        assertEquals(expected, reportedTotal(filter));
        assertFalse(expected == 0, "the fixture has such drops");
    }

    /**
     * Linux takes at most 128 KiB in one command-line argument (MAX_ARG_STRLEN), so a 50,000-term
     * filter (about 1 MB) goes in an argument file, as docs/filter.md says.
     */
    @ParameterizedTest
    @CsvSource({"50000"})
    void aFilterTooLongForTheCommandLineGoesInAnArgumentFile(int n) throws IOException {
        String filter = LongFilters.chain(n, i -> "symbol == f" + i, " || ") + " || symbol == udp_queue_rcv_one_skb";
        Path args = Files.writeString(tmp.resolve("filter.args"), "--filter\n'" + filter + "'\n");
        assertEquals(total(e -> ReportFiles.symbol(e).equals("udp_queue_rcv_one_skb")),
                reportWith("@" + args));
    }

    /** 5,000 and 50,000 terms joined by &&. */
    @ParameterizedTest
    @CsvSource({"5000", "50000"})
    void reportCountsWhatALongAndChainKeeps(int n) throws IOException {
        String filter = LongFilters.chain(n, i -> "cpu != " + (i + 100), " && ") + " && reason == NO_SOCKET";
        assertEquals(total(e -> e.reason() == ReportFiles.NO_SOCKET), reportedTotal(filter));
    }

    /** 3,000 parentheses and 3,000 '!', to report, top and record. */
    @ParameterizedTest
    @CsvSource({"report,(", "report,!", "top,(", "top,!", "record,(", "record,!"})
    void nestingPastTheLimitIsOneLineWithTheColumnAndExitCode2(String command, String open) throws IOException {
        String filter = "--filter=" + LongFilters.nested(3000, open, "(cpu == 1)", open.equals("(") ? ")" : "");
        Path file = tmp.resolve("drops.dsr");
        String[] args = switch (command) {
            case "report" -> new String[] {command, Files.write(file, ReportFiles.write(EVENTS, 64)).toString(), filter};
            case "top" -> new String[] {command, "--batch", filter};
            default -> new String[] {command, "-o", file.toString(), filter};
        };
        assertEquals(ExitCodes.USAGE, run(args), err::toString);
        assertEquals("dropscope: --filter: column 257: " + LongFilters.TOO_DEEP + System.lineSeparator(),
                err.toString());
        assertEquals("", out.toString());
        if (command.equals("record")) {
            assertFalse(Files.exists(file), "the record file was created");
        }
    }
}
