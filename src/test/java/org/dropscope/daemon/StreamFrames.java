// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dropscope.daemon.wire.FrameDecoder;
import org.dropscope.daemon.wire.Message;
import org.dropscope.event.DropEvent;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordFormat;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordReader;
import org.dropscope.record.RecordVisitor;
import org.dropscope.record.SourceKind;

/**
 * What a client receives from a {@link ClientQueue}: its frames taken and decoded, the STREAM bytes
 * read back as a record file with the one {@code RecordReader}.
 */
final class StreamFrames {
    /** The stream's record bytes so far, and the GAP frames. */
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Message.Gap> gaps = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder();

    /** A header of a 2-CPU tracepoint source with the gap CPU 2, as the daemon writes it. */
    static RecordHeader header() {
        return new RecordHeader("6.18.44", "test", "b007", SourceKind.TRACEPOINT, "tracepoint (test)", null,
                new RecordHeader.Clock(RecordFormat.CLOCK_MONOTONIC, 0, 1_763_000_000_000_000_000L), 3, null,
                Map.of(Daemon.GAP_CPU_PROPERTY, "2"));
    }

    /** Takes every frame waiting in {@code queue} (without waiting for more). */
    void drain(ClientQueue queue) throws Exception {
        while (queue.bytes() > 0) {
            Message m = decoder.decode(Unpooled.wrappedBuffer(queue.take()));
            if (m instanceof Message.Stream s) {
                bytes.write(s.bytes());
            } else if (m instanceof Message.Gap g) {
                gaps.add(g);
            } else {
                throw new AssertionError("unexpected " + m);
            }
        }
    }

    /** Counts of a read-back stream. */
    record Counted(ReadResult result, long drops, long kernelLost, long gapLost) {
    }

    /** Reads the bytes so far as a record file; lost records on {@code gapCpu} count apart. */
    Counted read(int gapCpu) throws IOException {
        long[] c = new long[3];
        RecordReader reader = new RecordReader(new ByteArrayInputStream(bytes.toByteArray()));
        ReadResult r = reader.read(new RecordVisitor() {
            @Override
            public void drop(DropEvent event) {
                c[0] += event.count();
            }

            @Override
            public void lost(long timeNanos, int cpu, long count) {
                c[cpu == gapCpu ? 2 : 1] += count;
            }
        });
        return new Counted(r, c[0], c[1], c[2]);
    }

    /** The drops in GAP frames. */
    long gapDrops() {
        return gaps.stream().mapToLong(Message.Gap::drops).sum();
    }

    /** The events in GAP frames. */
    long gapEvents() {
        return gaps.stream().mapToLong(Message.Gap::events).sum();
    }
}
