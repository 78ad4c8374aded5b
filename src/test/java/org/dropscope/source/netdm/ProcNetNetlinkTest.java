// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ProcNetNetlinkTest {
    /** Lines as Linux 6.x prints them (net/netlink/af_netlink.c, netlink_seq_show). */
    private static final String TABLE = String.join("\n",
            "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode",
            "ffff8880045a1000 0   1          00000000 0        0        0     2        0        9",
            "ffff8880052cb800 16  4294964231 00000001 0        0        0     2        121      28311",
            "ffff88800ad34000 16  3141       00000000 0        0        0     2        0        28310",
            "");

    @Test
    void dropsOfOneSocketByProtocolAndPortId() throws IOException {
        assertEquals(121, ProcNetNetlink.drops(new StringReader(TABLE), 16, (int) 4294964231L));
        assertEquals(0, ProcNetNetlink.drops(new StringReader(TABLE), 16, 3141));
        assertEquals(0, ProcNetNetlink.drops(new StringReader(TABLE), 16, 999), "no such socket");
        assertEquals(0, ProcNetNetlink.drops(new StringReader(TABLE), 0, (int) 4294964231L), "other protocol");
    }

    @Test
    void anUnknownHeaderIsAnError() {
        assertThrows(IOException.class, () -> ProcNetNetlink.drops(new StringReader("sk Eth Pid\n"), 16, 1));
        assertThrows(IOException.class, () -> ProcNetNetlink.drops(new StringReader(""), 16, 1));
    }
}
