// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import java.io.IOException;
import java.nio.file.Path;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NativeException;
import org.dropscope.netlink.NetlinkKernelException;
import org.dropscope.source.SourceException;

/**
 * NET_DM's failures as one line each: the kernel's own error text first (so that dropwatch's
 * "Failed config request, error: %s" lines keep their shape), then why and what to do.
 */
final class NetDmErrors {
    private NetDmErrors() {
    }

    /**
     * The network namespace this process is in, when it is not the initial one (the one PID 1 is
     * in); {@code null} when it is, or when that cannot be told.
     */
    static String otherNetworkNamespace() {
        String self = NetDmConnection.netNamespace(Path.of("/proc/self/ns/net"));
        String init = NetDmConnection.netNamespace(Path.of("/proc/1/ns/net"));
        return self != null && init != null && !self.equals(init) ? self : null;
    }

    /**
     * The family lookup found nothing.
     *
     * @param alternative what to do without NET_DM, after "or"
     */
    static SourceException familyMissing(String otherNamespace, String alternative, IOException cause) {
        if (otherNamespace != null) {
            return new SourceException(SourceException.Kind.NO_KERNEL_FEATURE,
                    "NET_DM is visible only in the initial network namespace (the family is not netnsok),"
                            + " and dropscope runs in " + otherNamespace + ": run it in the host's network"
                            + " namespace, or " + alternative, cause);
        }
        return new SourceException(SourceException.Kind.NO_KERNEL_FEATURE,
                "the kernel has no NET_DM generic netlink family: load it with modprobe drop_monitor, or use a"
                        + " kernel built with CONFIG_NET_DROP_MONITOR, or " + alternative, cause);
    }

    /** A refused or failed request; {@code what} is dropwatch's word for it (config, activation, stop). */
    static SourceException request(String what, IOException e) {
        if (e instanceof NetlinkKernelException) {
            NetlinkKernelException k = (NetlinkKernelException) e;
            String said = Errno.description(k.errno())
                    + (k.extackMessage() != null ? " (kernel: " + k.extackMessage() + ")" : "");
            if (k.errno() == Errno.EPERM || k.errno() == Errno.EACCES) {
                return new SourceException(SourceException.Kind.NO_PERMISSION, said
                        + "; NET_DM's " + what + " needs CAP_NET_ADMIN (Linux 5.4+): run dropscope as root", e);
            }
            if (k.errno() == Errno.EBUSY) {
                return new SourceException(SourceException.Kind.SYSTEM, said
                        + "; the kernel refuses configuration while monitoring: stop first", e);
            }
            if (k.errno() == Errno.EOPNOTSUPP) {
                return new SourceException(SourceException.Kind.NO_KERNEL_FEATURE, said
                        + "; this kernel's drop_monitor does not support that (hardware drops need devlink;"
                        + " configuration needs Linux 5.4+)", e);
            }
            return new SourceException(SourceException.Kind.SYSTEM, said, e);
        }
        return new SourceException(SourceException.Kind.SYSTEM, "NET_DM " + what + " failed: " + e.getMessage(), e);
    }

    /** Joining the {@code events} multicast group failed. */
    static SourceException join(NativeException e) {
        if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
            return new SourceException(SourceException.Kind.NO_PERMISSION, e.description()
                    + "; joining NET_DM's events group needs CAP_SYS_ADMIN (Linux 6.7, and stable kernels"
                    + " since December 2023): run dropscope as root", e);
        }
        return new SourceException(SourceException.Kind.SYSTEM,
                "cannot join NET_DM's events group: " + e.getMessage(), e);
    }
}
