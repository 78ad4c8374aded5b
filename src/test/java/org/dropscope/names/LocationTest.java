// SPDX-License-Identifier: Apache-2.0
package org.dropscope.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The forms every view prints a named (or unnamed) address in. */
class LocationTest {
    private static final long PC = 0xffffffffc0a10163L;

    @Test
    void aNamedAddressPrintsAsTopDropwatchAndTheFilterWantIt() {
        Location l = new Location(PC, new Symbol("nft_do_chain", "nf_tables", 0x153, 0x800));
        assertEquals("nft_do_chain", l.name());
        assertEquals("nft_do_chain[nf_tables]", l.function(), "one word: top's column");
        assertEquals("nft_do_chain+153", l.dropwatch(), "dropwatch's %s+%llx: no 0x, no module");
        assertEquals("tcp_v4_rcv", new Symbol("tcp_v4_rcv", null, 0, 0x40).function(), "vmlinux: no brackets");
        assertEquals("tcp_v4_rcv+0", new Symbol("tcp_v4_rcv", null, 0, 0x40).dropwatch());
    }

    @Test
    void anUnnamedAddressPrintsAsItselfInEveryForm() {
        Location l = new Location(PC, null);
        assertEquals(List.of("0xffffffffc0a10163", "0xffffffffc0a10163", "0xffffffffc0a10163"),
                List.of(l.name(), l.function(), l.dropwatch()));
        assertEquals("0x0", Location.hex(0));
    }

    @Test
    void aSymbolHasAName() {
        assertThrows(NullPointerException.class, () -> new Symbol(null, null, 0, 0));
    }

    @Test
    void namesThatKnowNothingAnswerNothing() {
        assertNull(DropNames.NONE.symbolAt(PC));
        assertNull(DropNames.NONE.symbolOffset(PC));
        assertNull(DropNames.NONE.symbol(PC));
        assertNull(DropNames.NONE.reason(3));
        assertNull(DropNames.NONE.stack(1));
        assertEquals("trap#4", DropNames.NONE.trapLabel(4));
        assertEquals(List.of(new Location(1, null), new Location(2, null)), DropNames.NONE.locations(new long[] {1, 2}));
    }

    @Test
    void namesOfReasonsAloneNameNothingElse() {
        DropNames reasons = DropNames.ofReasons(code -> code == 3 ? "NO_SOCKET" : null);
        assertEquals("NO_SOCKET", reasons.reason(3));
        assertNull(reasons.reason(4));
        assertNull(reasons.trap(3));
        assertNull(reasons.symbol(PC));
        assertNull(reasons.stack(3));
    }
}
