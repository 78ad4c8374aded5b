// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.dropscope.testing.HostileText;
import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void ordinaryTextIsTheSameStringNonAsciiLettersIncluded() {
        for (String s : new String[] {"", "__udp4_lib_rcv+0x9a2/0xe60", "NO_SOCKET", "tracepoint skb:kfree_skb (id 2310)",
            "Grüße", "сеть", "网络丢包", "naïve café", "emoji \ud83d\ude00", "tcp_v4_rcv [nf_tables]"}) {
            assertSame(s, Printable.text(s), s);
        }
        for (String s : new String[] {"__udp4_lib_rcv+0x9a2/0xe60", "Grüße", "网络丢包", "\ud83d\ude00"}) {
            assertSame(s, Printable.word(s), s);
        }
        assertNull(Printable.text(null));
        assertNull(Printable.word(null));
    }

    @Test
    void terminalSequencesAreEscapedVisibly() {
        assertEquals("a\\x1b[2Jb", Printable.text("a\033[2Jb"));
        assertEquals("\\x1b]0;owned\\x07", Printable.text("\033]0;owned\007"));
        assertEquals("line\\x0dover\\x0a\\x09\\x08", Printable.text("line\rover\n\t\b"));
        assertEquals("\\x00\\x7f\\x80\\x9b\\x9f", Printable.text("\0\u007f\u0080\u009b\u009f"));
        assertEquals("abc\\u202edef\\u202a\\u202c\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c",
                Printable.text("abc\u202edef\u202a\u202c\u2066\u2067\u2068\u2069\u200e\u200f\u061c"));
        assertEquals("\\u2028\\u2029\\u200b\\ufeff\\xad", Printable.text("\u2028\u2029\u200b\ufeff\u00ad"));
        assertEquals("\\ufffe\\uffff\\ufdd0\\U0001fffe", Printable.text("\ufffe\uffff\ufdd0\ud83f\udffe"));
        assertEquals("lone\\ud800high\\udc00low", Printable.text("lone\ud800high\udc00low"));
        assertEquals("tag\\U000e0041", Printable.text("tag\udb40\udc41"));
    }

    @Test
    void escapingTwiceChangesNothingMore() {
        String once = Printable.text("a\\b " + HostileText.ALL);
        assertSame(once, Printable.text(once));
        String word = Printable.word("a\\b " + HostileText.ALL);
        assertSame(word, Printable.word(word));
        assertEquals("a\\b\\x20\\x1b", Printable.word("a\\b \033"));
    }

    @Test
    void aWordKeepsNoSpaceButTextDoes() {
        assertEquals("two words", Printable.text("two words"));
        assertEquals("two\\x20words\\xa0and\\u2003more", Printable.word("two words\u00a0and\u2003more"));
        assertEquals("a\\x09b\\x0ac", Printable.word("a\tb\nc"));
        String w = Printable.word("sym " + HostileText.ALL + " x");
        assertEquals(1, w.split("\\s+").length, w);
        assertTrue(w.chars().allMatch(c -> c > 0x20 && c < 0x7f), w);
    }

    @Test
    void nothingEscapedIsLeftInTheOutputForAnyCharacter() {
        StringBuilder every = new StringBuilder();
        for (int c = 0; c <= 0xffff; c++) {
            every.append((char) c);
        }
        String all = every.toString();
        byte[] text = Printable.text(all).getBytes(StandardCharsets.UTF_8);
        byte[] word = Printable.word(all).getBytes(StandardCharsets.UTF_8);
        HostileText.assertNoRawControls(text, "text of every BMP character");
        HostileText.assertNoRawControls(word, "word of every BMP character");
        assertFalse(Printable.word(all).codePoints().anyMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp)),
                "a word holds no space");
    }

    @Test
    void hostileNamesShowEverySequenceEscaped() {
        byte[] printed = Printable.word(HostileText.name("__udp4_lib_rcv")).getBytes(StandardCharsets.UTF_8);
        HostileText.assertSafe(printed, "word");
    }
}
