// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.io.IOException;

/**
 * A record file that cannot be read on from some point: says where (byte offset from the start
 * of the file, block number) and why. Thrown for a damaged header; for damage in the blocks the
 * reader returns it in its {@link ReadResult} after handing over everything before it.
 */
public class RecordFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What kind of damage. */
    public enum Kind {
        /** The file ends early: cut short, or its writer was killed before the end marker. */
        TRUNCATED,
        /** Bytes that cannot be what the writer wrote: bad magic, checksum, length or sequence. */
        CORRUPT,
        /** A major format version this dropscope does not read. */
        UNSUPPORTED_VERSION
    }

    /** {@link #block()} of damage in the file header, before any block. */
    public static final long HEADER = -1;

    private final Kind kind;
    private final long offset;
    private final long block;

    public RecordFormatException(Kind kind, long offset, long block, String message) {
        super(message);
        this.kind = kind;
        this.offset = offset;
        this.block = block;
    }

    public Kind kind() {
        return kind;
    }

    /** Offset of the damaged item (block or header) from the start of the file, in bytes. */
    public long offset() {
        return offset;
    }

    /** Number of the damaged block, counted from 0, or {@link #HEADER}. */
    public long block() {
        return block;
    }

    @Override
    public String getMessage() {
        String where = block == HEADER ? "in the header" : "in block " + block;
        return super.getMessage() + " (" + where + " at byte " + offset + ")";
    }
}
