// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dropscope report --format json FILE}, run as a user runs it (the packaged jar in its own
 * process), and its object read back: the facts the kernel tests compare with the kernel's
 * counters. docs/report.schema.json is the format.
 *
 * @param total drops counted
 * @param lost events the kernel lost
 * @param complete whether the whole file was read
 * @param counts count per {@code "symbol reason"} ({@code null} names print as "null")
 * @param json the whole object
 */
record ReportJson(long total, long lost, boolean complete, Map<String, Long> counts, JsonNode json) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Runs report on {@code file} with {@code options} (grouping, filter, ...); it must exit 0. */
    static ReportJson of(Path file, String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.add(file.toString());
        return run(args);
    }

    /** Runs {@code report --connect SOCKET} with {@code options}; it must exit 0. */
    static ReportJson connect(Path socket, String... options) {
        List<String> args = new ArrayList<>(List.of("--connect", socket.toString()));
        args.addAll(List.of(options));
        return run(args);
    }

    private static ReportJson run(List<String> options) {
        List<String> args = new ArrayList<>(List.of("-jar", ShellProcess.jar().toString(), "report", "--format", "json"));
        args.addAll(options);
        Commands.Result r = Commands.run(ChildJvm.java(args.toArray(String[]::new))).checked();
        return parse(r.stdout(), r.describe());
    }

    static ReportJson parse(String text, String context) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("report's JSON does not parse: " + context, e);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JsonNode row : root.get("rows")) {
            counts.merge(row.path("symbol").asText("null") + " " + row.path("reason").asText("null"),
                    row.get("count").asLong(), Long::sum);
        }
        return new ReportJson(root.get("total").asLong(), root.get("lost").asLong(),
                root.get("complete").asBoolean(), counts, root);
    }

    /** The counts by (symbol, reason), as the kernel tests' expectations are keyed. */
    Map<KnownDrops.DropKey, Long> byKey() {
        Map<KnownDrops.DropKey, Long> m = new LinkedHashMap<>();
        counts.forEach((key, n) -> {
            int space = key.indexOf(' ');
            m.merge(new KnownDrops.DropKey(key.substring(0, space), key.substring(space + 1)), n, Long::sum);
        });
        return m;
    }

    /** The count of rows at {@code symbol} with {@code reason} (the JSON's null reason as {@code null}). */
    long count(String symbol, String reason) {
        return counts.getOrDefault(symbol + " " + reason, 0L);
    }
}
