// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.nio.charset.StandardCharsets;

/**
 * The numbers of the record file format, version 1.0; docs/file-format.md is the specification
 * and says what each one means. Everything is little-endian.
 *
 * <pre>
 * file   = magic(8) major(u16) minor(u16) header_len(u32) header_fields(header_len) header_crc(u32)
 *          block*
 * block  = "DSBK"(4) sequence(u32) payload_len(u32) records(u32) crc32c(u32) payload(payload_len)
 * record = type(u8) reserved(u8) body_len(u16) body(body_len)
 * </pre>
 */
public final class RecordFormat {
    /** The file's first 8 bytes: 0x89 "DSREC" CR LF, in the manner of PNG's signature. */
    static final byte[] MAGIC = {(byte) 0x89, 'D', 'S', 'R', 'E', 'C', '\r', '\n'};
    /** The major version this code writes and reads; a reader refuses any other major. */
    public static final int MAJOR = 1;
    /** The minor version this code writes; a reader accepts any minor of its major. */
    public static final int MINOR = 0;
    /** Header fields at most, in bytes: keeps a corrupt length from allocating gigabytes. */
    static final int MAX_HEADER_BYTES = 16 << 20;

    static final int BLOCK_MAGIC = 'D' | 'S' << 8 | 'B' << 16 | 'K' << 24;
    static final int BLOCK_HEADER_BYTES = 20;
    /** Block payloads at most, in bytes; the writer stays well below it. */
    static final int MAX_BLOCK_BYTES = 4 << 20;
    static final int RECORD_HEADER_BYTES = 4;

    // Header field tags: tag(u16) len(u32) value(len). Unknown tags are skipped.
    static final int TAG_KERNEL_RELEASE = 1;
    static final int TAG_HOSTNAME = 2;
    static final int TAG_BOOT_ID = 3;
    static final int TAG_SOURCE = 4;
    static final int TAG_SOURCE_DESCRIPTION = 5;
    static final int TAG_TRACEPOINT_FORMAT = 6;
    static final int TAG_CLOCK = 7;
    static final int TAG_CPUS = 8;
    static final int TAG_FILTER = 9;
    static final int TAG_PROPERTY = 10;

    // Record types. Unknown types are skipped by their length.
    static final int REC_EVENT = 1;
    static final int REC_LOST = 2;
    static final int REC_SYMBOL = 3;
    static final int REC_STACK = 4;
    static final int REC_NAME = 5;
    static final int REC_END = 6;

    static final int EVENT_BODY = 48;
    static final int LOST_BODY = 24;
    static final int END_BODY = 32;

    /** {@code CLOCK_REALTIME}, include/uapi/linux/time.h: wall-clock time (NET_DM timestamps). */
    public static final int CLOCK_REALTIME = 0;
    /**
     * {@code CLOCK_MONOTONIC}, include/uapi/linux/time.h: what perf samples carry with
     * {@code use_clockid} (perf_event_open(2)) and what {@link System#nanoTime()} reads on Linux.
     */
    public static final int CLOCK_MONOTONIC = 1;

    private RecordFormat() {
    }

    /** Whether the first {@code n} bytes of {@code b} are the first {@code n} of the magic. */
    static boolean isMagic(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether a file's first {@code n} bytes begin with the whole record file magic. */
    public static boolean isRecordFile(byte[] first, int n) {
        return n >= MAGIC.length && isMagic(first, MAGIC.length);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
