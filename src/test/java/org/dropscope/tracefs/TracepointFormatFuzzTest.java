// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dropscope.testing.FuzzTarget;

/**
 * Fuzz target: a tracepoint {@code format} file through {@link TracepointFormat#parse}
 * ({@link FormatParser}, and {@link PrintFmtParser} for its print fmt), then the kfree_skb layout
 * and the drop reason table read from it. Oracle: only IOException (TracefsFormatException);
 * a parsed format keeps its text, and a reason table names every code it lists.
 */
public class TracepointFormatFuzzTest extends FuzzTarget {
    @Override
    public List<byte[]> seeds() {
        return Fixtures.fuzzSeeds();
    }

    @Override
    public void fuzzOne(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        TracepointFormat format;
        try {
            format = TracepointFormat.parse(new StringReader(text));
        } catch (IOException e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertEquals(text, format.text());
        try {
            KfreeSkbLayout.from(format);
        } catch (TracefsFormatException e) {
            assertNotNull(e.getMessage());
        }
        try {
            DropReasons reasons = DropReasons.from(format);
            for (int code : reasons.codes()) {
                assertNotNull(reasons.name(code));
            }
        } catch (TracefsFormatException e) {
            assertNotNull(e.getMessage());
        }
    }
}
