// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What dropwatch 1.5 prints (src/main.c), read back: summary lines, packet-mode blocks, the
 * configuration ({@code show}) and the statistics ({@code stats}). dropscope's shell prints the
 * same lines, a summary line optionally followed by {@code " reason: REASON"}; both parse here.
 */
final class DropwatchText {
    /** The line monitoring starts with, and the one after it has stopped. */
    static final String ACTIVATED = "Kernel monitoring activated.";
    static final String STOPPED = "Got a stop message";
    static final String ALERT_LIMIT = "Alert limit reached, deactivating!";

    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) drops at (?:location 0x([0-9a-f]+)|(\\S+)\\+([0-9a-f]+) \\(0x([0-9a-f]+)\\)) \\[software\\]"
            + "(?: reason: (\\S+))?");
    private static final Pattern DROP_AT = Pattern.compile("drop at: (\\S+) \\(0x([0-9a-f]+)\\)");
    private static final Pattern FIELD = Pattern.compile("([A-Za-z ]+): (.*)");

    private DropwatchText() {
    }

    /**
     * One summary line: {@code N drops at SYMBOL+OFFSET (0xADDRESS) [software]}, or with
     * {@code location 0xADDRESS} when unresolved ({@code symbol} null, offset 0).
     */
    record SummaryLine(long count, String symbol, long offset, long address, String reason) {
    }

    /** One packet-mode block: {@code drop at: %pS (0xPC)} and the "key: value" lines after it. */
    record PacketBlock(String symbol, long pc, Map<String, String> fields) {
        /** The function name of the kernel's {@code %pS} symbol ({@code name+0xoff/0xsize}). */
        String function() {
            int plus = symbol.indexOf('+');
            return plus < 0 ? symbol : symbol.substring(0, plus);
        }

        String reason() {
            return fields.get("drop reason");
        }

        long length() {
            return Long.parseLong(fields.get("length"));
        }

        long originalLength() {
            return Long.parseLong(fields.get("original length"));
        }

        int inputIfindex() {
            return Integer.parseInt(fields.get("input port ifindex"));
        }
    }

    static List<SummaryLine> summaryLines(List<String> output) {
        List<SummaryLine> lines = new ArrayList<>();
        for (String s : output) {
            Matcher m = SUMMARY.matcher(s);
            if (m.matches()) {
                boolean resolved = m.group(3) != null;
                lines.add(new SummaryLine(Long.parseLong(m.group(1)), resolved ? m.group(3) : null,
                        resolved ? Long.parseUnsignedLong(m.group(4), 16) : 0,
                        Long.parseUnsignedLong(resolved ? m.group(5) : m.group(2), 16), m.group(6)));
            }
        }
        return lines;
    }

    /** The summed count of the summary lines at {@code function}. */
    static long sum(List<SummaryLine> lines, String function) {
        return lines.stream().filter(l -> function.equals(l.symbol())).mapToLong(SummaryLine::count).sum();
    }

    static List<PacketBlock> packetBlocks(List<String> output) {
        List<PacketBlock> blocks = new ArrayList<>();
        for (int i = 0; i < output.size(); i++) {
            Matcher m = DROP_AT.matcher(output.get(i));
            if (!m.matches()) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (i++; i < output.size() && !output.get(i).isEmpty(); i++) {
                Matcher f = FIELD.matcher(output.get(i));
                if (f.matches()) {
                    fields.put(f.group(1), f.group(2));
                }
            }
            blocks.add(new PacketBlock(m.group(1), Long.parseUnsignedLong(m.group(2), 16), fields));
        }
        return blocks;
    }

    /** The blocks at {@code function} with {@code reason}. */
    static List<PacketBlock> blocks(List<PacketBlock> blocks, String function, String reason) {
        return blocks.stream().filter(b -> b.function().equals(function) && reason.equals(b.reason())).toList();
    }

    /**
     * The last configuration {@code show} printed: "Alert mode" (Summary, Packet), "Truncation
     * length", "Queue length"; empty if none.
     */
    static Map<String, String> lastShow(List<String> output) {
        Map<String, String> show = new LinkedHashMap<>();
        for (int i = output.size() - 1; i >= 0 && show.isEmpty(); i--) {
            if (output.get(i).startsWith("Alert mode: ") && i + 2 < output.size()) {
                for (String line : output.subList(i, i + 3)) {
                    Matcher f = FIELD.matcher(line);
                    if (f.matches()) {
                        show.put(f.group(1), f.group(2));
                    }
                }
            }
        }
        return show;
    }

    /** The software "Tail dropped" count of each {@code stats}, in order. */
    static List<Long> softwareTailDrops(List<String> output) {
        List<Long> counts = new ArrayList<>();
        for (int i = 0; i + 1 < output.size(); i++) {
            if (output.get(i).equals("Software statistics:") && output.get(i + 1).startsWith("Tail dropped: ")) {
                counts.add(Long.parseLong(output.get(i + 1).substring("Tail dropped: ".length())));
            }
        }
        return counts;
    }
}
