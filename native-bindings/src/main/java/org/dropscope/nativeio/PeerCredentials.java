// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

/**
 * Who is at the other end of a unix stream socket, as the kernel recorded it when the peer called
 * connect(2) (SO_PEERCRED, socket(7)): its process id and its effective user and group ids. Only the
 * primary group: supplementary groups are not in {@code struct ucred}.
 *
 * @param pid the peer's process id (in this process's pid namespace; 0 if it has none there)
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 */
public record PeerCredentials(int pid, int uid, int gid) {

    /** Whether the peer is root (uid 0). */
    public boolean root() {
        return uid == 0;
    }

    /** {@code "uid 1000 gid 1000 pid 4242"}, for log lines. */
    @Override
    public String toString() {
        return "uid " + Integer.toUnsignedString(uid) + " gid " + Integer.toUnsignedString(gid) + " pid " + pid;
    }
}
