// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;

/**
 * Fuzz target: a saved /proc/kallsyms through {@link KallsymsParser} (each byte one character, as
 * ISO-8859-1, so every input is some text). Oracle: only IOException (KallsymsFormatException,
 * KallsymsUnavailableException); in the table built, every symbol's start (of the first few)
 * resolves to a symbol that contains it, and that symbol's {@code %pS} text reads back as itself.
 */
public class KallsymsFuzzTest extends FuzzTarget {
    private static final int CHECKED = 64;
    /** Enough of a real snapshot to hold text, data and module symbols, cut at a line's end. */
    private static final int SNAPSHOT_PREFIX = 4096;

    @Override
    public List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String f : List.of("arm64-mapping-symbols.txt", "bpf.txt", "data-interleaved.txt",
                "duplicate-addresses.txt", "kptr-restricted-all-zero.txt", "malformed.txt", "unsorted.txt",
                "with-modules.txt")) {
            seeds.add(Fuzzing.resource("/kallsyms-fixtures/" + f));
        }
        String snapshot = new String(Fuzzing.resource("/kallsyms-fixtures/linux-6.18-x86_64.kallsyms.gz",
                SNAPSHOT_PREFIX), StandardCharsets.ISO_8859_1);
        seeds.add(snapshot.substring(0, snapshot.lastIndexOf('\n') + 1).getBytes(StandardCharsets.ISO_8859_1));
        return seeds;
    }

    @Override
    public void fuzzOne(byte[] data) {
        SymbolTable table;
        try {
            table = KallsymsParser.parse(new StringReader(new String(data, StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            assertNotNull(e.getMessage());
            return;
        }
        for (int i = 0; i < Math.min(table.size(), CHECKED); i++) {
            if (table.size(i) == 0) {
                continue;
            }
            long pc = table.address(i);
            KernelSymbol s = table.resolve(pc);
            assertNotNull(s, () -> "symbol start 0x" + Long.toHexString(pc) + " does not resolve");
            assertTrue(s.contains(pc));
            KernelSymbol again = KernelSymbol.ofPercentPS(s.percentPS(pc), pc);
            assertEquals(s, again, () -> s.percentPS(pc));
        }
    }
}
