// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dropscope.testing.FuzzTarget;

/**
 * Fuzz target: the text after {@code print fmt: } through {@link PrintFmtParser} directly, so
 * that mutations are spent on the C-like expression and its {@code __print_symbolic} tables rather
 * than on the rest of the format file. Oracle: only TracefsFormatException; every table has a
 * field expression and named entries.
 */
public class PrintFmtFuzzTest extends FuzzTarget {
    private static final String PREFIX = "print fmt: ";

    @Override
    public List<byte[]> seeds() {
        return Fixtures.fuzzSeeds().stream().map(b -> {
            String text = new String(b, StandardCharsets.ISO_8859_1);
            int at = text.indexOf(PREFIX) + PREFIX.length();
            return text.substring(at, text.indexOf('\n', at)).getBytes(StandardCharsets.ISO_8859_1);
        }).toList();
    }

    @Override
    public void fuzzOne(byte[] data) {
        List<SymbolicTable> tables;
        try {
            tables = PrintFmtParser.parse(new String(data, StandardCharsets.ISO_8859_1), 1, PREFIX.length() + 1);
        } catch (TracefsFormatException e) {
            assertNotNull(e.getMessage());
            return;
        }
        for (SymbolicTable t : tables) {
            assertNotNull(t.field());
            assertTrue(t.entries().stream().allMatch(e -> e.name() != null));
        }
    }
}
