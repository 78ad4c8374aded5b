// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.dropscope.perf.FakePerfSyscalls;
import org.dropscope.perf.RingImage;
import org.dropscope.source.SourceException;
import org.dropscope.tracefs.TracepointFormat;

/**
 * Tracepoint sessions without a kernel: the committed 6.18.44 {@code kfree_skb} format, CPUs 0 to
 * n-1 online, 4 KiB pages, and the perf calls of a {@link FakePerfSyscalls}. Rings of one data
 * page, so that the fake's {@link RingImage}s are small.
 */
final class FakeTracepoint {
    /** How long the reader waits in poll when nothing wakes it. */
    static final int POLL_MILLIS = 5;
    private static final String FORMAT = "/fixtures/tracefs/linux-6.18.44-kfree_skb.format";
    private FakeTracepoint() {
    }

    /** Every drop sampled; with PERF_FORMAT_LOST unless the fake refuses it. */
    static TracepointOptions sampling() {
        return new TracepointOptions(1, false, POLL_MILLIS, null, false, 0);
    }

    /** Hot keys counted in the kernel from {@code threshold} drops a second. */
    static TracepointOptions counting(long threshold) {
        return new TracepointOptions(1, false, POLL_MILLIS, null, false, threshold);
    }

    /** {@link #counting} with stacks: a counted key's stack taken once every {@code stackPeriod} drops. */
    static TracepointOptions countingWithStacks(long threshold, long stackPeriod) {
        return new TracepointOptions(1, true, POLL_MILLIS, null, false, threshold, stackPeriod);
    }

    static TracepointSetup setup(TracepointOptions options, int cpus) throws SourceException {
        return TracepointSetup.of(options, format(), IntStream.range(0, cpus).toArray(), cpus, RingImage.PAGE, "2");
    }

    static TracepointSource open(TracepointOptions options, int cpus, FakePerfSyscalls perf) throws SourceException {
        return TracepointSource.open(setup(options, cpus), perf, System::nanoTime);
    }

    private static TracepointFormat format() {
        try (InputStream in = FakeTracepoint.class.getResourceAsStream(FORMAT);
                Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return TracepointFormat.parse(r);
        } catch (IOException e) {
            throw new UncheckedIOException(FORMAT + ": " + e.getMessage(), e);
        }
    }
}
