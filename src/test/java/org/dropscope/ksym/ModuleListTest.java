// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ModuleListTest {
    private static ModuleList parse(String text) throws IOException {
        return ModuleList.parse(new StringReader(text));
    }

    @Test
    void parsesEveryFieldThatMatters() throws IOException {
        String text = Fixtures.text("with-modules.modules");
        ModuleList list = parse(text);
        String[] lines = text.split("\n");
        assertEquals(lines.length, list.modules().size());
        for (int i = 0; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            ModuleList.Module m = list.modules().get(i);
            assertEquals(f[0], m.name());
            assertEquals(Long.parseLong(f[1]), m.size());
            assertEquals(f[4], m.state());
            assertEquals(Long.parseUnsignedLong(f[5].substring(2), 16), m.address());
            assertSame(m, list.find(f[0]));
            assertTrue(m.covers(m.address()) && m.covers(m.address() + m.size() - 1));
            assertFalse(m.covers(m.address() + m.size()));
        }
    }

    @Test
    void equalityIgnoresReferenceCountsAndUsers() throws IOException {
        ModuleList a = parse("nf_tables 16384 0 - Live 0xffffffffc0a10000\n");
        assertEquals(a, parse("nf_tables 16384 3 nft_chain_nat,br_netfilter, Live 0xffffffffc0a10000 (E)\n"));
        assertEquals(a.hashCode(),
                parse("nf_tables 16384 3 nft_chain_nat, Live 0xffffffffc0a10000\n").hashCode());
        assertNotEquals(a, parse("nf_tables 16384 0 - Loading 0xffffffffc0a10000\n"), "state");
        assertNotEquals(a, parse("nf_tables 16384 0 - Live 0xffffffffc0b10000\n"), "reloaded elsewhere");
        assertNotEquals(a, parse("nf_tables 16384 0 - Live 0xffffffffc0a10000\n"
                + "veth 45056 0 - Live 0xffffffffc0a00000\n"), "one more module");
        assertEquals(ModuleList.NONE, parse(""));
    }

    @Test
    void hiddenAddressesCoverNothing() throws IOException {
        ModuleList.Module m = parse("veth 45056 0 - Live 0x0000000000000000\n").find("veth");
        assertEquals(0, m.address());
        assertFalse(m.covers(0));
        assertFalse(m.covers(100));
    }

    @Test
    void malformedLinesNameTheLine() {
        IOException e = assertThrows(IOException.class,
                () -> parse("veth 45056 0 - Live 0xffffffffc0a00000\nnf_tables 16384 Live\n"));
        assertTrue(e.getMessage().startsWith("/proc/modules line 2:"), e.getMessage());
        e = assertThrows(IOException.class, () -> parse("veth big 0 - Live 0xffffffffc0a00000\n"));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }
}
