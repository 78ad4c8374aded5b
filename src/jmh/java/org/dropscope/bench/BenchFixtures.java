// SPDX-License-Identifier: Apache-2.0
package org.dropscope.bench;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.dropscope.ksym.KallsymsParser;
import org.dropscope.ksym.SymbolTable;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.tracefs.KfreeSkbLayout;
import org.dropscope.tracefs.TracefsFormatException;
import org.dropscope.tracefs.TracepointFormat;

/**
 * The committed test fixtures the benchmarks replay, read from the source tree: run the benchmarks
 * from the repository root, or point {@code -Ddropscope.root=DIR} at it.
 */
final class BenchFixtures {
    static final Path ROOT = Path.of(System.getProperty("dropscope.root", "."));
    static final Path PERF = ROOT.resolve("src/test/resources/fixtures/perf");
    static final Path FORMAT = ROOT.resolve("src/test/resources/fixtures/tracefs/linux-6.18.44-kfree_skb.format");
    static final Path KALLSYMS = ROOT.resolve("kallsyms-fixtures/linux-6.18-x86_64.kallsyms.gz");

    private BenchFixtures() {
    }

    /** A captured ring image, {@code kfree_skb-6.18-<what>.bin}. */
    static byte[] ringImage(String what) {
        return read(PERF.resolve("kfree_skb-6.18-" + what + ".bin"));
    }

    static TracepointFormat format() {
        try (Reader r = Files.newBufferedReader(need(FORMAT), StandardCharsets.UTF_8)) {
            return TracepointFormat.parse(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KfreeSkbLayout layout() {
        try {
            return KfreeSkbLayout.from(format());
        } catch (TracefsFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    static DropReasons reasons() {
        try {
            return DropReasons.from(format());
        } catch (TracefsFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    static SymbolTable symbolTable() {
        try (Reader r = kallsymsReader()) {
            return KallsymsParser.parse(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A symbolizer over the snapshot, as the shell builds one over /proc (no modules here). */
    static Symbolizer symbolizer() {
        try {
            return new Symbolizer(BenchFixtures::kallsymsReader, () -> null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reader kallsymsReader() throws IOException {
        return new InputStreamReader(new GZIPInputStream(Files.newInputStream(need(KALLSYMS)), 1 << 16),
                StandardCharsets.US_ASCII);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(need(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path need(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p.toAbsolutePath() + " not found: run the benchmarks from the repository"
                    + " root or set -Ddropscope.root");
        }
        return p;
    }
}
