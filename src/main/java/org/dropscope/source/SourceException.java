// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

/**
 * A source cannot run or failed. The message is one line for the user: what is wrong and what
 * to do about it. The kind decides the exit code.
 */
public final class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a source cannot run. */
    public enum Kind {
        /** Not root, a capability missing, perf_event_paranoid, kptr_restrict. */
        NO_PERMISSION,
        /** The kernel lacks what the source needs: tracefs, the tracepoint, NET_DM. */
        NO_KERNEL_FEATURE,
        /** A kernel-provided input (format file, kallsyms) could not be understood. */
        BAD_INPUT,
        /** A system call failed for another reason (memory, file descriptors). */
        SYSTEM,
        /** The command asks for what this kernel does not have: a filter naming a reason or symbol it lacks. */
        USAGE,
    }

    private final Kind kind;

    public SourceException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SourceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
