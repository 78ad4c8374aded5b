// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

/**
 * mount(2) and umount2(2), for mounting tracefs when /sys/kernel/tracing is empty.
 *
 * <p>MS_* values from include/uapi/linux/mount.h; MNT_DETACH from glibc's &lt;sys/mount.h&gt;
 * (the kernel keeps it in include/linux/fs.h, outside uapi).
 */
public final class Mounts {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;

    /** umount2 flag: detach now, clean up once the mount is no longer busy. */
    public static final int MNT_DETACH = 2;

    private Mounts() {
    }

    /**
     * Mounts a filesystem, as {@code mount -t fstype -o data source target}.
     *
     * @param source the device, or a placeholder such as "nodev" for virtual filesystems; may be null
     * @param target an existing directory
     * @param fstype "tracefs", "debugfs", ...; may be null for a remount or bind
     * @param flags an OR of MS_* values
     * @param data filesystem options, "mode=700"; may be null
     * @throws NativeException EPERM without CAP_SYS_ADMIN, ENODEV for an unknown fstype, ENOENT
     *     for a missing target
     */
    public static void mount(String source, String target, String fstype, long flags, String data)
            throws NativeException {
        Native.mount(Native.cString(source), Native.cString(requireTarget(target)), Native.cString(fstype),
                flags, Native.cString(data), fstype + " on " + target);
    }

    /**
     * Unmounts the filesystem mounted at {@code target}.
     *
     * @param flags 0, or {@link #MNT_DETACH}
     * @throws NativeException EINVAL if nothing is mounted there, EBUSY if it is in use
     */
    public static void umount(String target, int flags) throws NativeException {
        Native.umount2(Native.cString(requireTarget(target)), flags, target);
    }

    private static String requireTarget(String target) {
        if (target == null) {
            throw new NullPointerException("target");
        }
        return target;
    }
}
