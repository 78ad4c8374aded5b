// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.StructLayout;

/** struct sockaddr_nl, from include/uapi/linux/netlink.h. See netlink(7). */
final class SockaddrNl {

    /** The layout, declared once; each sockaddr is only its memory. */
    static final class Layout extends StructLayout {
        final Unsigned16 nlFamily = new Unsigned16();
        final Unsigned16 nlPad = new Unsigned16();
        /** Port id: 0 is the kernel; a bound socket's own id is usually, not always, its pid. */
        final Unsigned32 nlPid = new Unsigned32();
        /** Legacy bitmask of multicast groups 1 to 32. */
        final Unsigned32 nlGroups = new Unsigned32();

        Layout(Runtime runtime) {
            super(runtime);
        }
    }

    static final Layout LAYOUT = new Layout(Native.RUNTIME);
    static final int SIZE = LAYOUT.size();

    private SockaddrNl() {
    }

    /** A new sockaddr_nl for {@code portId} and {@code groups}. */
    static Pointer allocate(int portId, int groups) {
        Pointer p = Native.allocate(SIZE);
        LAYOUT.nlFamily.set(p, NetlinkConstants.AF_NETLINK);
        LAYOUT.nlPid.set(p, Integer.toUnsignedLong(portId));
        LAYOUT.nlGroups.set(p, Integer.toUnsignedLong(groups));
        return p;
    }

    static int portId(Pointer sockaddr) {
        return LAYOUT.nlPid.intValue(sockaddr);
    }
}
