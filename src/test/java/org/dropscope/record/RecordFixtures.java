// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;

/** Headers, names and small recordings for the record tests. */
final class RecordFixtures {
    static final long UDP_RCV = 0xffffffff82046a90L;
    static final long UDP_RCV_PC = UDP_RCV + 0x4bc;
    static final long QUEUE_RCV = 0xffffffff82045000L;
    static final long QUEUE_RCV_PC = QUEUE_RCV + 0x1a2;
    static final int NO_SOCKET = 3;
    static final int SOCKET_RCVBUFF = 6;

    private RecordFixtures() {
    }

    static RecordHeader tracepointHeader() {
        return new RecordHeader("6.18.44", "bench", "5b0c0f3e-6a43-4c5e-9d1a-0e6f2d7c9a11", SourceKind.TRACEPOINT,
                "tracepoint skb:kfree_skb (id 2310, 6.11+ layout, 127 reasons)", "name: kfree_skb\nID: 2310\n",
                new RecordHeader.Clock(RecordFormat.CLOCK_MONOTONIC, 1_000, 1_763_000_000_000_000_000L), 2,
                "reason == NO_SOCKET", Map.of());
    }

    static RecordHeader netDmHeader() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("netdm.family.version", "2");
        p.put("netdm.alert_mode", "packet");
        return new RecordHeader("6.1.0-28-amd64", "guest", "b7e1", SourceKind.NETDM, "NET_DM (drop_monitor)", null,
                new RecordHeader.Clock(RecordFormat.CLOCK_REALTIME, 0, 0), 1, null, p);
    }

    /** Names two symbols, one stack, reason names as the 6.18 kernel has them. */
    static final DropNames NAMES = new DropNames() {
        @Override
        public Symbol symbolAt(long pc) {
            if (pc >= UDP_RCV && pc < UDP_RCV + 0x1000) {
                return new KernelSymbol("__udp4_lib_rcv", null, UDP_RCV, 0x1000).at(pc);
            }
            if (pc >= QUEUE_RCV && pc < QUEUE_RCV + 0x400) {
                return new KernelSymbol("udp_queue_rcv_one_skb", null, QUEUE_RCV, 0x400).at(pc);
            }
            return null;
        }

        @Override
        public List<Location> stack(int id) {
            return id == 7 ? locations(new long[] {UDP_RCV_PC, QUEUE_RCV_PC}) : null;
        }

        @Override
        public String reason(int code) {
            return code == NO_SOCKET ? "NO_SOCKET" : code == SOCKET_RCVBUFF ? "SOCKET_RCVBUFF" : null;
        }

        @Override
        public String trap(int id) {
            return id == 0 ? "ingress_vlan_filter" : null;
        }
    };

    /** A clock tests move by hand. */
    static final class FakeClock {
        long now = 1_000;

        long get() {
            return now;
        }
    }

    /** What a test writes. */
    interface Body {
        void write(RecordWriter w, DropEvent e) throws IOException;
    }

    /** A whole recording: the header, what {@code body} writes, the end marker. */
    static byte[] record(RecordHeader header, RecordWriter.Limits limits, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        try (RecordWriter w = new RecordWriter(out, header, NAMES, limits, clock::get)) {
            body.write(w, new DropEvent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code n} tracepoint events, alternating between the two places, 2 per block, then a lost record. */
    static byte[] small(int n) {
        return record(tracepointHeader(), new RecordWriter.Limits(2, 1_000), (w, e) -> {
            for (int i = 0; i < n; i++) {
                boolean a = i % 2 == 0;
                w.drop(e.set(2_000 + i, i % 2, DropOrigin.SOFTWARE, a ? UDP_RCV_PC : QUEUE_RCV_PC,
                        a ? NO_SOCKET : SOCKET_RCVBUFF, a ? 7 : DropSink.NO_STACK, 1).packet(0x0800, 0, 0));
            }
            w.lost(9_000, 1, 5);
        });
    }

    /** Keeps everything a reader hands over. */
    static final class Collect implements RecordVisitor {
        final List<DropEvent> events = new ArrayList<>();
        final List<KernelSymbol> symbols = new ArrayList<>();
        final Map<Integer, long[]> stacks = new LinkedHashMap<>();
        final Map<String, String> names = new LinkedHashMap<>();
        final List<long[]> lost = new ArrayList<>();

        @Override
        public void symbol(KernelSymbol symbol) {
            symbols.add(symbol);
        }

        @Override
        public void stack(int stackId, long[] frames) {
            stacks.put(stackId, frames);
        }

        @Override
        public void name(NameKind kind, int code, String name) {
            names.put(kind + ":" + code, name);
        }

        @Override
        public void drop(DropEvent event) {
            events.add(event.copy());
        }

        @Override
        public void lost(long timeNanos, int cpu, long count) {
            lost.add(new long[] {timeNanos, cpu, count});
        }
    }
}
