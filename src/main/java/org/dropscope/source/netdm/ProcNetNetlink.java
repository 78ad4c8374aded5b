// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads {@code /proc/net/netlink}: one line per netlink socket, columns
 * {@code sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode} (net/netlink/af_netlink.c,
 * netlink_seq_show). {@code Drops} counts the messages the kernel could not queue on that socket
 * because its receive buffer was full: the exact number of alerts an ENOBUFS lost.
 */
final class ProcNetNetlink {
    private ProcNetNetlink() {
    }

    /**
     * The Drops of the socket with this netlink protocol ({@code Eth}) and port id ({@code Pid});
     * 0 when there is no such line.
     *
     * @throws IOException if the header is not the one described above
     */
    static long drops(Reader in, int protocol, int portId) throws IOException {
        BufferedReader r = new BufferedReader(in);
        String header = r.readLine();
        if (header == null) {
            throw new IOException("/proc/net/netlink is empty");
        }
        String[] names = header.trim().split("\\s+");
        int eth = indexOf(names, "Eth");
        int pid = indexOf(names, "Pid");
        int drops = indexOf(names, "Drops");
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == names.length && Integer.parseInt(f[eth]) == protocol
                    && Integer.parseUnsignedInt(f[pid]) == portId) {
                return Long.parseLong(f[drops]);
            }
        }
        return 0;
    }

    private static int indexOf(String[] names, String name) throws IOException {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IOException("/proc/net/netlink has no " + name + " column");
    }
}
