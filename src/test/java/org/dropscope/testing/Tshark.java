// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Wireshark's dissectors, through tshark, for tests that check a capture the way its users will
 * read it. Needs tshark (scripts/install-deps installs it): {@link #require()} skips a test
 * without it, or fails it under CI=true.
 */
public final class Tshark {
    private final List<String> fields;

    /** Field names as tshark knows them ({@code tshark -G fields}), e.g. {@code net_dm.symbol}. */
    public Tshark(List<String> fields) {
        this.fields = List.copyOf(fields);
    }

    /** Returns if tshark is installed; otherwise skips the test, or fails it under CI=true. */
    public static void require() {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "tshark")));
        KernelTestSupport.require(found, "tshark is not installed (sudo scripts/install-deps installs it)");
    }

    /**
     * Each record of {@code pcap} as its first occurrence of every field (empty where a record
     * has none), field name to value, in record order. tshark's diagnostics go to
     * {@code pcap + ".tshark.err"}.
     */
    public List<Map<String, String>> records(Path pcap) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-T", "fields",
                "-E", "separator=|", "-E", "occurrence=f"));
        fields.forEach(f -> cmd.addAll(List.of("-e", f)));
        Path out = Path.of(pcap + ".tshark.out");
        Path err = Path.of(pcap + ".tshark.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tshark did not finish within 120 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertEquals(0, p.exitValue(), () -> "tshark failed on " + pcap + ": " + readQuietly(err));
        List<Map<String, String>> records = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            String[] values = line.split("\\|", -1);
            assertEquals(fields.size(), values.length, "tshark's line: " + line);
            Map<String, String> r = new java.util.LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                r.put(fields.get(i), values[i]);
            }
            records.add(r);
        }
        return records;
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
