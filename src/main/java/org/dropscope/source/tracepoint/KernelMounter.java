// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.Mounts;
import org.dropscope.nativeio.NativeException;
import org.dropscope.tracefs.Mounter;

/** {@link Mounter} over mount(2) and umount2(2), with the error contract {@link Mounter} asks for. */
final class KernelMounter implements Mounter {
    @Override
    public void mount(String source, String target, String fstype) throws IOException {
        try {
            Mounts.mount(source, target, fstype, Mounts.MS_NOSUID | Mounts.MS_NODEV | Mounts.MS_NOEXEC, null);
        } catch (NativeException e) {
            throw translate(e, target);
        }
    }

    @Override
    public void unmount(String target) throws IOException {
        try {
            Mounts.umount(target, 0);
        } catch (NativeException e) {
            throw translate(e, target);
        }
    }

    private static IOException translate(NativeException e, String target) {
        if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
            AccessDeniedException denied = new AccessDeniedException(target, null, e.getMessage());
            denied.initCause(e);
            return denied;
        }
        return e;
    }
}
