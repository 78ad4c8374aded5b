// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;

/**
 * Strings a hostile record file or capture could carry in its names, and the checks that what
 * dropscope printed of them holds no character a terminal would obey and shows each one escaped.
 */
public final class HostileText {
    /** ESC [2J: clear the screen. */
    public static final String CLEAR = "\033[2J";
    /** ESC ]0;owned BEL: set the window title. */
    public static final String TITLE = "\033]0;owned\007";
    /** CR: go back to the start of the line and overwrite it. */
    public static final String CR = "\r";
    /** U+202E RIGHT-TO-LEFT OVERRIDE: what follows reads backwards. */
    public static final String BIDI = "\u202e";
    /** U+009B, the 8-bit CSI, then [2J: clear the screen where C1 controls are obeyed. */
    public static final String CSI = "\u009b[2J";
    /** DEL. */
    public static final String DEL = "\177";
    /** All of them, in a string a name could be made of. */
    public static final String ALL = CLEAR + TITLE + CR + BIDI + CSI + DEL;
    /** How {@link #ALL} is printed. */
    public static final List<String> ESCAPED = List.of("\\x1b[2J", "\\x1b]0;owned\\x07", "\\x0d", "\\u202e",
            "\\x9b[2J", "\\x7f");

    /**
     * Names that are all hostile, as kallsyms, a tracepoint's reasons and NET_DM's traps could
     * give them: {@code __udp4_lib_rcv+9a2} at every address, {@code NO_SOCKET} for every reason,
     * {@code ingress_vlan_filter} for every trap, and a two-frame stack whose inner frame is hostile.
     */
    public static final DropNames NAMES = new DropNames() {
        @Override
        public Symbol symbolAt(long pc) {
            return new Symbol(name("__udp4_lib_rcv"), null, 0x9a2, 0xe60);
        }

        @Override
        public String reason(int code) {
            return name("NO_SOCKET");
        }

        @Override
        public String trap(int id) {
            return name("ingress_vlan_filter");
        }

        @Override
        public List<Location> stack(int id) {
            return List.of(new Location(0xffffffff81b00010L, new Symbol(name("kfree_skb_reason"), null, 0x10, 0x40)),
                    new Location(0xffffffff81c3a000L, new Symbol("udp_rcv", null, 0, 0x20)));
        }
    };

    private HostileText() {
    }

    /** {@code base} with every hostile sequence in its middle, as a name could be. */
    public static String name(String base) {
        return base.substring(0, base.length() / 2) + ALL + base.substring(base.length() / 2);
    }

    /**
     * Fails if {@code printed} holds a byte below 0x20 other than newline, DEL, malformed UTF-8,
     * or a C1 control, bidi control or line separator once decoded.
     */
    public static void assertNoRawControls(byte[] printed, String what) {
        String text = new String(printed, StandardCharsets.UTF_8);
        if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), printed)) {
            fail(what + ": not well-formed UTF-8");
        }
        for (int i = 0; i < printed.length; i++) {
            int b = printed[i] & 0xff;
            if (b < 0x20 && b != '\n' || b == 0x7f) {
                fail(what + ": raw byte 0x" + Integer.toHexString(b) + " at " + i + " in: " + excerpt(text, i));
            }
        }
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (cp != '\n' && (type == Character.CONTROL || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR)) {
                fail(what + ": raw U+" + Integer.toHexString(cp) + " in output");
            }
        });
    }

    /** Fails unless {@code printed} shows every sequence of {@link #ALL} in its escaped form. */
    public static void assertEscaped(byte[] printed, String what) {
        String text = new String(printed, StandardCharsets.UTF_8);
        for (String e : ESCAPED) {
            assertTrue(text.contains(e), () -> what + ": no " + e + " in:\n" + text);
        }
    }

    /** Both checks. */
    public static void assertSafe(byte[] printed, String what) {
        assertNoRawControls(printed, what);
        assertEscaped(printed, what);
    }

    private static String excerpt(String text, int byteIndex) {
        int from = Math.max(0, Math.min(text.length(), byteIndex) - 40);
        return text.substring(from, Math.min(text.length(), from + 80)).replace("\033", "<ESC>");
    }
}
