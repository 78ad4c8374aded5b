// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NetlinkLayoutTest {

    @Test
    void alignsToFourBytes() {
        int[][] cases = {{0, 0}, {1, 4}, {3, 4}, {4, 4}, {5, 8}, {11, 12}, {17, 20}};
        for (int[] c : cases) {
            assertEquals(c[1], NetlinkLayout.nlmsgAlign(c[0]), "NLMSG_ALIGN(" + c[0] + ")");
            assertEquals(c[1], NetlinkLayout.nlaAlign(c[0]), "NLA_ALIGN(" + c[0] + ")");
        }
    }

    @Test
    void attributeTypeDropsTheFlagBits() {
        assertEquals(12, NetlinkLayout.nlaType(NetlinkLayout.NLA_F_NESTED | 12));
        assertEquals(7, NetlinkLayout.nlaType(NetlinkLayout.NLA_F_NET_BYTEORDER | 7));
        assertEquals(0x3fff, NetlinkLayout.nlaType(0xffff));
    }
}
