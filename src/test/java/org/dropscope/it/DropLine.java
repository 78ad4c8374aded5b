// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.testing.ProcFacts;

/**
 * One resolved dropwatch line as the shell prints it:
 * {@code 1000 drops at __udp4_lib_rcv+4bc (0xffffffff82046f4c) [software] reason: NO_SOCKET}.
 */
record DropLine(long count, String function, long offset, long address, String reason) {
    private static final Pattern LINE = Pattern.compile(
            "(\\d+) drops at ([^\\s+]+)\\+([0-9a-f]+) \\(0x([0-9a-f]+)\\) \\[software\\] reason: (\\S+)");

    /** The drop lines among {@code output}; other lines are skipped. */
    static List<DropLine> parse(List<String> output) {
        List<DropLine> lines = new ArrayList<>();
        for (String s : output) {
            Matcher m = LINE.matcher(s);
            if (m.matches()) {
                lines.add(new DropLine(Long.parseLong(m.group(1)), m.group(2), Long.parseUnsignedLong(m.group(3), 16),
                        Long.parseUnsignedLong(m.group(4), 16), m.group(5)));
            }
        }
        return lines;
    }

    /**
     * The summed count of the lines in {@code function} with {@code reason}, after checking that
     * each such line's address is the function's kallsyms address plus the printed offset.
     */
    static long sum(List<DropLine> lines, String function, String reason) {
        Set<Long> starts = ProcFacts.functionAddresses(function);
        return sum(lines, function, reason, l -> assertTrue(starts.contains(l.address - l.offset), l + ": "
                + function + " is at " + hex(starts) + " in /proc/kallsyms, not at the address minus the offset"));
    }

    /**
     * The summed count of the lines in {@code function} with {@code reason}, each first handed to
     * {@code check}: for a client of the daemon that is not root, whose addresses are made up.
     */
    static long sum(List<DropLine> lines, String function, String reason, Consumer<DropLine> check) {
        long sum = 0;
        for (DropLine l : lines) {
            if (l.function.equals(function) && l.reason.equals(reason)) {
                check.accept(l);
                sum += l.count;
            }
        }
        return sum;
    }

    private static List<String> hex(Set<Long> addresses) {
        return addresses.stream().map(a -> "0x" + Long.toHexString(a)).toList();
    }
}
