// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import io.netty.buffer.ByteBuf;

/**
 * Receives the records a {@link PerfRing} reads, one call per record, in ring order.
 *
 * <p>{@code buf} is only valid during the call: it is either the ring itself or a scratch buffer
 * holding a record that wrapped around the ring's end. Implementations copy out the primitives
 * they need and keep no reference to {@code buf}.
 */
@FunctionalInterface
public interface PerfRecordHandler {
    /**
     * @param buf the bytes; read with explicit little-endian accessors
     * @param offset where the record's {@code struct perf_event_header} starts in {@code buf}
     * @param type {@code perf_event_header.type}, a {@code PERF_RECORD_*} value
     * @param size {@code perf_event_header.size}, header included
     */
    void onRecord(ByteBuf buf, int offset, int type, int size);
}
