// SPDX-License-Identifier: Apache-2.0
package org.dropscope.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.Expr;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.FilterParser;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.ksym.SymbolTable;
import org.dropscope.names.DropNames;
import org.dropscope.names.Symbol;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordFormat;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordNames;
import org.dropscope.record.RecordReader;
import org.dropscope.record.RecordVisitor;
import org.dropscope.record.RecordWriter;
import org.dropscope.record.SourceKind;
import org.dropscope.report.GroupKey;
import org.dropscope.report.Report;
import org.dropscope.report.ReportQuery;
import org.dropscope.report.ReportReader;
import org.dropscope.tracefs.DropReasons;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Record files, both ways, over an in-memory recording of {@value #EVENTS} events shaped like the
 * captured udp-raw ring (two drop sites of the 6.18 fixture kernel, NO_SOCKET and SOCKET_RCVBUFF,
 * two CPUs), so that the stream costs nothing and the format's own work is measured:
 * <ul>
 *   <li>{@code read}: {@link RecordReader} from the first byte to the end marker, every block's
 *       CRC32C checked, every event handed to a visitor (the goal: 10 M events/s);</li>
 *   <li>{@code readFiltered}: the same, collecting the file's names ({@link RecordNames}) and
 *       testing each event against {@code reason == NO_SOCKET && symbol =~ __udp*} with them, as
 *       {@code report --filter} will;</li>
 *   <li>{@code write}: {@link RecordWriter} into a stream that discards, as the recording thread
 *       would write beside the aggregator;</li>
 *   <li>{@code report}: what {@code dropscope report --filter 'reason == NO_SOCKET && symbol =~ __udp*'}
 *       does before formatting: {@link ReportReader} detects the kind, reads, filters and groups
 *       by symbol and reason (the goal: 10 M events/s); {@code reportAllBySecond} keeps every
 *       event and groups by symbol, reason, cpu and second, the most keys per event.</li>
 * </ul>
 * The {@code events} counter gives events per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class RecordReadBenchmark {
    static final int EVENTS = 1 << 18;

    private byte[] file;
    private SymbolTable symbols;
    private DropReasons reasons;
    private long[] pcs;
    private int[] codes;
    private Expr filter;
    private final DropEvent event = new DropEvent();

    /** Sums what it is handed, so that nothing is optimised away. */
    static final class Sum implements RecordVisitor {
        long sum;

        @Override
        public void drop(DropEvent e) {
            sum += e.count() + e.location() + e.reason() + e.cpu() + e.timeNanos();
        }
    }

    /** Keeps the events the filter passes. */
    static final class Filtered implements RecordVisitor {
        final DropFilter filter;
        long kept;

        Filtered(DropFilter filter) {
            this.filter = filter;
        }

        @Override
        public void drop(DropEvent e) {
            if (filter.test(e)) {
                kept += e.count();
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, FilterException {
        symbols = BenchFixtures.symbolTable();
        reasons = BenchFixtures.reasons();
        pcs = new long[] {address("__udp4_lib_rcv") + 0x4bc, address("udp_queue_rcv_one_skb") + 0x1a2};
        codes = new int[] {reasons.codeOf("NO_SOCKET"), reasons.codeOf("SOCKET_RCVBUFF")};
        ByteArrayOutputStream out = new ByteArrayOutputStream(EVENTS * 56);
        write(out);
        file = out.toByteArray();
        filter = FilterParser.parse("reason == NO_SOCKET && symbol =~ __udp*");
    }

    private long address(String name) {
        for (int i = 0; i < symbols.size(); i++) {
            if (symbols.name(i).equals(name)) {
                return symbols.address(i);
            }
        }
        throw new IllegalStateException(name + " is not in the fixture kallsyms");
    }

    private void write(OutputStream out) throws IOException {
        RecordHeader header = new RecordHeader("6.18.44", "bench", "00000000-0000-0000-0000-000000000000",
                SourceKind.TRACEPOINT, "tracepoint skb:kfree_skb", null,
                new RecordHeader.Clock(RecordFormat.CLOCK_MONOTONIC, 0, 0), 2, null, Map.of());
        DropNames names = new DropNames() {
            @Override
            public Symbol symbolAt(long pc) {
                KernelSymbol s = symbols.resolve(pc);
                return s == null ? null : s.at(pc);
            }

            @Override
            public String reason(int code) {
                return reasons.name(code);
            }
        };
        long[] clock = {0};
        try (RecordWriter w = new RecordWriter(out, header, names, RecordWriter.Limits.DEFAULT, () -> clock[0])) {
            for (int i = 0; i < EVENTS; i++) {
                // Bursts of 64 from one site, as sendmmsg batches arrive.
                int site = (i >> 6) & 1;
                clock[0] += 3_000;
                w.drop(event.set(clock[0], site, DropOrigin.SOFTWARE, pcs[site], codes[site], DropSink.NO_STACK, 1)
                        .packet(0x0800, 0, 0));
                if ((i & 1023) == 0) {
                    w.endPass();
                }
            }
        }
    }

    @Benchmark
    public long read(HotPathBenchmark.Events counter) throws IOException {
        Sum sum = new Sum();
        readAll(sum, counter);
        return sum.sum;
    }

    @Benchmark
    public long readFiltered(HotPathBenchmark.Events counter) throws IOException {
        RecordNames names = new RecordNames();
        Filtered f = new Filtered(DropFilter.compile(filter, names));
        readAll(names.feeding(f), counter);
        return f.kept;
    }

    private void readAll(RecordVisitor visitor, HotPathBenchmark.Events counter) throws IOException {
        ReadResult r = new RecordReader(new ByteArrayInputStream(file)).read(visitor);
        if (!r.complete() || r.events() != EVENTS) {
            throw new IllegalStateException("read " + r);
        }
        counter.events += r.events();
    }

    @Benchmark
    public long report(HotPathBenchmark.Events counter) throws IOException {
        return report(new ReportQuery(GroupKey.DEFAULT, filter, null, null, ZoneId.of("UTC")), counter);
    }

    @Benchmark
    public long reportAllBySecond(HotPathBenchmark.Events counter) throws IOException {
        return report(new ReportQuery(List.of(GroupKey.SYMBOL, GroupKey.REASON, GroupKey.CPU, GroupKey.SECOND), null,
                null, null, ZoneId.of("UTC")), counter);
    }

    private long report(ReportQuery query, HotPathBenchmark.Events counter) throws IOException {
        Report r = ReportReader.read(new ByteArrayInputStream(file), query, null, OptionalInt.empty()).report();
        if (!r.complete() || r.rows().isEmpty()) {
            throw new IllegalStateException("report " + r);
        }
        counter.events += EVENTS;
        return r.total();
    }

    @Benchmark
    public long write(HotPathBenchmark.Events counter) throws IOException {
        CountingSink sink = new CountingSink();
        write(sink);
        counter.events += EVENTS;
        return sink.bytes;
    }

    /** Discards what it is given. */
    static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
