// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetDmOpenEnumTest {

    @Test
    void knownAttributesRoundTripToTheSameConstant() {
        List<NetDmAttr> known = NetDmAttr.known();
        assertEquals(NetDmAttr.NET_DM_ATTR_MAX + 1, known.size());
        for (int i = 0; i < known.size(); i++) {
            NetDmAttr a = known.get(i);
            assertEquals(i, a.intValue(), a.name());
            assertSame(a, NetDmAttr.valueOf(a.intValue()));
            assertTrue(a.isKnown());
            assertTrue(a.name().startsWith("NET_DM_ATTR_"), a.name());
        }
        assertSame(NetDmAttr.NET_DM_ATTR_PC, NetDmAttr.valueOf(2));
        assertEquals("NET_DM_ATTR_PC", NetDmAttr.NET_DM_ATTR_PC.name());
        assertEquals("NET_DM_ATTR_REASON(23)", NetDmAttr.valueOf(23).toString());
    }

    @Test
    void unknownAttributesKeepTheirValue() {
        NetDmAttr unknown = NetDmAttr.valueOf(24);
        assertFalse(unknown.isKnown());
        assertEquals(24, unknown.intValue());
        assertEquals("UNKNOWN(24)", unknown.name());
        assertEquals("UNKNOWN(24)", unknown.toString());
        NetDmAttr again = NetDmAttr.valueOf(24);
        assertNotSame(unknown, again);
        assertEquals(unknown, again);
        assertEquals(unknown.hashCode(), again.hashCode());
        assertEquals(24, NetDmAttr.valueOf(unknown.intValue()).intValue());
        assertEquals(-1, NetDmAttr.NET_DM_ATTR_REASON.compareTo(unknown));
        assertFalse(NetDmAttr.valueOf(0xffff).isKnown());
    }

    @Test
    void knownCommandsRoundTripToTheSameConstant() {
        List<NetDmCmd> known = NetDmCmd.known();
        assertEquals(NetDmCmd.NET_DM_CMD_MAX + 1, known.size());
        for (int i = 0; i < known.size(); i++) {
            NetDmCmd c = known.get(i);
            assertEquals(i, c.intValue(), c.name());
            assertSame(c, NetDmCmd.valueOf(i));
            assertTrue(c.isKnown());
        }
        assertSame(NetDmCmd.NET_DM_CMD_PACKET_ALERT, NetDmCmd.valueOf(5));
        assertEquals("NET_DM_CMD_START", NetDmCmd.valueOf(3).name());
    }

    @Test
    void unknownCommandsKeepTheirValue() {
        NetDmCmd unknown = NetDmCmd.valueOf(42);
        assertFalse(unknown.isKnown());
        assertEquals(42, unknown.intValue());
        assertEquals("UNKNOWN(42)", unknown.name());
        assertEquals(unknown, NetDmCmd.valueOf(42));
        assertFalse(unknown.equals(NetDmAttr.valueOf(42)));
    }
}
