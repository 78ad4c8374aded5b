// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dropscope.tracefs.KfreeSkbLayout.Generation;
import org.junit.jupiter.api.Test;

class KfreeSkbLayoutTest {

    private static KfreeSkbLayout layout(String fixture) throws Exception {
        return KfreeSkbLayout.from(Fixtures.parse(fixture));
    }

    private static void assertCommonOffsets(String text, KfreeSkbLayout layout) {
        assertEquals(Fixtures.field(text, "skbaddr").offset(), layout.skbaddrOffset());
        assertEquals(Fixtures.field(text, "location").offset(), layout.locationOffset());
        assertEquals(Fixtures.field(text, "protocol").offset(), layout.protocolOffset());
        assertEquals(Fixtures.id(text), layout.eventId());
        int end = Fixtures.fields(text).values().stream()
                .mapToInt(f -> f.offset() + f.size()).max().orElseThrow();
        assertEquals(end, layout.rawSize());
    }

    @Test
    void linux618HasRxSkBeforeProtocolAndReason() throws Exception {
        String text = Fixtures.text(Fixtures.KFREE_6_18);
        KfreeSkbLayout layout = layout(Fixtures.KFREE_6_18);

        assertEquals(Generation.RX_SK, layout.generation());
        assertCommonOffsets(text, layout);
        assertEquals(Fixtures.field(text, "rx_sk").offset(), layout.rxSkOffset());
        assertEquals("rx_sk", layout.rxSkField());
        assertEquals(Fixtures.field(text, "reason").offset(), layout.reasonOffset());
        assertTrue(layout.hasReason());
        assertTrue(layout.hasRxSk());
        // the order that makes this generation: location < rx_sk < protocol < reason
        assertTrue(layout.locationOffset() < layout.rxSkOffset());
        assertTrue(layout.rxSkOffset() < layout.protocolOffset());
        assertTrue(layout.protocolOffset() < layout.reasonOffset());
    }

    @Test
    void debian61HasReasonButNoRxSk() throws Exception {
        String text = Fixtures.text(Fixtures.KFREE_6_1);
        KfreeSkbLayout layout = layout(Fixtures.KFREE_6_1);

        assertEquals(Generation.REASON, layout.generation());
        assertCommonOffsets(text, layout);
        assertEquals(Fixtures.field(text, "reason").offset(), layout.reasonOffset());
        assertFalse(layout.hasRxSk());
        assertEquals(KfreeSkbLayout.ABSENT, layout.rxSkOffset());
        assertNull(layout.rxSkField());
    }

    @Test
    void debian510HasNoReason() throws Exception {
        String text = Fixtures.text(Fixtures.KFREE_5_10);
        KfreeSkbLayout layout = layout(Fixtures.KFREE_5_10);

        assertEquals(Generation.NO_REASON, layout.generation());
        assertCommonOffsets(text, layout);
        assertFalse(layout.hasReason());
        assertEquals(KfreeSkbLayout.ABSENT, layout.reasonOffset());
        assertFalse(layout.hasRxSk());
        assertEquals(KfreeSkbLayout.ABSENT, layout.rxSkOffset());
    }

    @Test
    void theRxSkaddrSpellingIsAcceptedToo() throws Exception {
        String text = Fixtures.text(Fixtures.KFREE_6_18).replace("rx_sk", "rx_skaddr");
        KfreeSkbLayout layout = KfreeSkbLayout.from(Fixtures.parseText(text));
        assertEquals(Generation.RX_SK, layout.generation());
        assertEquals("rx_skaddr", layout.rxSkField());
        assertEquals(Fixtures.field(text, "rx_skaddr").offset(), layout.rxSkOffset());
    }

    @Test
    void wrongSizesNameTheField() throws Exception {
        String text = Fixtures.text(Fixtures.KFREE_6_18);
        Map<String, Integer> badSizes = Map.of("location", 4, "reason", 2, "protocol", 4,
                "rx_sk", 4, "skbaddr", 4);
        for (Map.Entry<String, Integer> b : badSizes.entrySet()) {
            String field = b.getKey();
            Fixtures.TextField real = Fixtures.field(text, field);
            String good = " " + field + ";\toffset:" + real.offset() + ";\tsize:" + real.size() + ";";
            String bad = Fixtures.replaceOnce(text, good, good.replace("size:" + real.size(),
                    "size:" + b.getValue()));
            TracefsFormatException e = assertThrows(TracefsFormatException.class,
                    () -> KfreeSkbLayout.from(Fixtures.parseText(bad)));
            assertTrue(e.getMessage().startsWith("skb:kfree_skb field '" + field + "' has size "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("(expected: " + real.size() + " bytes"), e.getMessage());
        }
    }

    @Test
    void aMissingFieldIsNamed() throws Exception {
        String text = Fixtures.withoutLine(Fixtures.text(Fixtures.KFREE_6_1), " location;");
        TracefsFormatException e = assertThrows(TracefsFormatException.class,
                () -> KfreeSkbLayout.from(Fixtures.parseText(text)));
        assertEquals("skb:kfree_skb has no 'location' field (expected on every kernel; fields found:"
                + " skbaddr, protocol, reason)", e.getMessage());
    }

    @Test
    void rxSkWithoutReasonIsNoKnownKernel() throws Exception {
        String text = Fixtures.withoutLine(Fixtures.text(Fixtures.KFREE_6_18), " reason;");
        TracefsFormatException e = assertThrows(TracefsFormatException.class,
                () -> KfreeSkbLayout.from(Fixtures.parseText(text)));
        assertTrue(e.getMessage().contains("has field 'rx_sk' but no 'reason' field"), e.getMessage());
    }

    @Test
    void anotherEventIsRejected() {
        TracefsFormatException e = assertThrows(TracefsFormatException.class,
                () -> layout(Fixtures.CONSUME_6_18));
        assertEquals("expected the format of skb:kfree_skb but got the format of 'consume_skb'",
                e.getMessage());
    }
}
