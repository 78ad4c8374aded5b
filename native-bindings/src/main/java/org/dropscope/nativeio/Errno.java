// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

/**
 * Linux errno values that dropscope tests for, and the names and descriptions of any errno.
 *
 * <p>Values from include/uapi/asm-generic/errno-base.h and include/uapi/asm-generic/errno.h, which
 * x86_64 and arm64 share. Names and descriptions come from jnr-constants.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTSOCK = 88;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRINUSE = 98;
    public static final int ENOBUFS = 105;
    public static final int ECONNREFUSED = 111;

    private Errno() {
    }

    /** The symbolic name, "EACCES"; "errno N" if the value has none. */
    public static String name(int errno) {
        // jnr-constants calls 95 by its POSIX alias ENOTSUP; the kernel and strace say EOPNOTSUPP.
        if (errno == EOPNOTSUPP) {
            return "EOPNOTSUPP";
        }
        jnr.constants.platform.Errno e = lookup(errno);
        return e != null ? e.name() : "errno " + errno;
    }

    /** The strerror(3) text, "Permission denied"; "Unknown error N" if the value has none. */
    public static String description(int errno) {
        jnr.constants.platform.Errno e = lookup(errno);
        return e != null ? e.description() : "Unknown error " + errno;
    }

    private static jnr.constants.platform.Errno lookup(int errno) {
        jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
        return e.defined() && e.intValue() == errno ? e : null;
    }
}
