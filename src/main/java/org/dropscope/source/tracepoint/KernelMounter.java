// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import org.dropscope.nativeio.DetachedMount;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NativeException;
import org.dropscope.tracefs.Mounter;

/** {@link Mounter} over fsopen(2) and fsmount(2), with the error contract {@link Mounter} asks for. */
public final class KernelMounter implements Mounter {
    @Override
    public Mount mountDetached(String fstype) throws IOException {
        DetachedMount mount;
        try {
            mount = DetachedMount.create(fstype);
        } catch (NativeException e) {
            throw translate(e, fstype);
        }
        return new Mount() {
            @Override
            public Path root() {
                return mount.root();
            }

            @Override
            public void close() {
                mount.close();
            }
        };
    }

    private static IOException translate(NativeException e, String fstype) {
        if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
            AccessDeniedException denied = new AccessDeniedException(fstype, null, e.getMessage());
            denied.initCause(e);
            return denied;
        }
        if (e.errno() == Errno.ENOSYS) {
            return new IOException(e.getMessage() + ": a private mount needs fsopen(2), Linux 5.2 or later", e);
        }
        return e;
    }
}
