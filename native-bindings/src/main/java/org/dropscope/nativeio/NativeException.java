// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.io.IOException;

/**
 * A failed system call: which call, the errno it set, and optionally what it was applied to.
 * The errno stays machine-readable so callers can tell EACCES (missing privilege) from ENOENT
 * (missing kernel feature) from ENOBUFS (lost messages).
 *
 * <p>{@link #getMessage()} reads {@code "perf_event_open(2) cpu 1: Permission denied (EACCES)"}.
 */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final String context;

    /**
     * @param call the call in man-page form, {@code "perf_event_open(2)"}
     * @param errno the errno value the call left
     */
    public NativeException(String call, int errno) {
        this(call, errno, null);
    }

    /**
     * @param call the call in man-page form, {@code "perf_event_open(2)"}
     * @param errno the errno value the call left
     * @param context what the call was applied to, {@code "cpu 1"}; null or empty for nothing
     */
    public NativeException(String call, int errno, String context) {
        super(message(call, errno, context));
        this.call = call;
        this.errno = errno;
        this.context = context == null || context.isEmpty() ? null : context;
    }

    private static String message(String call, int errno, String context) {
        StringBuilder sb = new StringBuilder(call);
        if (context != null && !context.isEmpty()) {
            sb.append(' ').append(context);
        }
        return sb.append(": ").append(Errno.description(errno))
                .append(" (").append(Errno.name(errno)).append(')').toString();
    }

    /** The call in man-page form, {@code "perf_event_open(2)"}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic errno name, {@code "EACCES"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The strerror(3) text, {@code "Permission denied"}. */
    public String description() {
        return Errno.description(errno);
    }

    /** What the call was applied to, {@code "cpu 1"}, or null. */
    public String context() {
        return context;
    }
}
