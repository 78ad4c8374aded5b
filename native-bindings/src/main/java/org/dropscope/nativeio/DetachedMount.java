// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A mount that was never attached to any directory: fsopen(2), fsconfig(2) FSCONFIG_CMD_CREATE and
 * fsmount(2) (Linux 5.2+) give a descriptor of a new mount of the filesystem, which no mount table
 * lists and no other process can reach or unmount. Its files are read through the descriptor's
 * magic link, {@code /proc/self/fd/N} ({@link #root()}). Closing the descriptor, or the process
 * ending in any way (SIGKILL too), releases the mount: nothing is left to clean up.
 *
 * <p>Values from include/uapi/linux/mount.h; the syscall numbers are the same on x86_64 and
 * aarch64 (every syscall from 424 on has one number on all architectures but alpha).
 */
public final class DetachedMount extends OwnedFd {
    static final long NR_FSOPEN = 430;
    static final long NR_FSCONFIG = 431;
    static final long NR_FSMOUNT = 432;
    static final int FSOPEN_CLOEXEC = 0x1;
    static final int FSCONFIG_CMD_CREATE = 6;
    static final int FSMOUNT_CLOEXEC = 0x1;
    static final int MOUNT_ATTR_NOSUID = 0x2;
    static final int MOUNT_ATTR_NODEV = 0x4;
    static final int MOUNT_ATTR_NOEXEC = 0x8;

    private DetachedMount(int fd) {
        super(fd);
    }

    /**
     * Creates a detached mount of {@code fstype} (nosuid, nodev, noexec), e.g. a private view of
     * tracefs (a single-instance filesystem: the same files as every other tracefs mount).
     *
     * @throws NativeException EPERM without CAP_SYS_ADMIN, ENODEV for an unknown fstype, ENOSYS
     *     before Linux 5.2
     */
    public static DetachedMount create(String fstype) throws NativeException {
        byte[] name = Native.cString(fstype);
        ByteBuffer cname = Native.allocateDirect(name.length).put(name);
        int fsfd = (int) Native.syscall(NR_FSOPEN, "fsopen(2)", fstype, Native.address(cname), FSOPEN_CLOEXEC, 0);
        Reference.reachabilityFence(cname);
        try {
            Native.syscall(NR_FSCONFIG, "fsconfig(2)", fstype + " FSCONFIG_CMD_CREATE", fsfd, FSCONFIG_CMD_CREATE, 0);
            return new DetachedMount((int) Native.syscall(NR_FSMOUNT, "fsmount(2)", fstype, fsfd, FSMOUNT_CLOEXEC,
                    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
        } finally {
            Native.close(fsfd);
        }
    }

    /** The mount's root directory, as this process reaches it: {@code /proc/self/fd/N}. */
    public Path root() {
        return Path.of("/proc/self/fd", Integer.toString(fd()));
    }
}
