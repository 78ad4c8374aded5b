// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;

/** Locations, names and an aggregator feeding a {@link TopModel}, for the top tests. */
final class TopFixtures {
    /** Two locations in __udp4_lib_rcv, one in udp_queue_rcv_one_skb, one that resolves to nothing. */
    static final long UDP = 0xffffffff81c3a000L;
    static final long UDP_A = 0xffffffff81c3a9a2L;
    static final long UDP_B = 0xffffffff81c3aa10L;
    static final long QUEUE = 0xffffffff81c39000L;
    static final long UNKNOWN = 0xffffffffc0001234L;
    static final int NO_SOCKET = 3;
    static final int RCVBUFF = 6;

    /** Names both udp functions and their stacks; traps and UNKNOWN stay unnamed. */
    static final DropNames NAMES = new DropNames() {
        @Override
        public Symbol symbolAt(long pc) {
            return pc == UDP_A || pc == UDP_B ? new Symbol("__udp4_lib_rcv", null, pc - UDP, 0xe60)
                    : pc == QUEUE ? new Symbol("udp_queue_rcv_one_skb", null, 0, 0x400) : null;
        }

        @Override
        public String reason(int code) {
            return code == NO_SOCKET ? "NO_SOCKET" : code == RCVBUFF ? "SOCKET_RCVBUFF" : null;
        }

        @Override
        public List<Location> stack(int id) {
            return List.of(new Location(0xffffffff81b00010L, new Symbol("kfree_skb_reason", null, 0x10, 0x40)),
                    new Location(0xffffffff81b10000L + id, new Symbol("frame" + id, null, 0, 0x100)));
        }
    };

    /** An aggregator and its writer, as a source would have them; intervals of exactly one second. */
    static final class Feed {
        final DropAggregator agg = new DropAggregator(2, 64, 16);
        final DropSink w = agg.newWriter();
        final TopModel model = new TopModel(NAMES);

        Feed drop(long location, int reason, int stack, long count) {
            w.begin();
            w.drop(0, DropOrigin.SOFTWARE, location, reason, stack, count);
            w.end();
            return this;
        }

        Feed lost(long count) {
            w.begin();
            w.lost(1, count);
            w.end();
            return this;
        }

        /** Closes the interval; {@code second} is its wall time in seconds. */
        void tick(long second) {
            model.update(agg.snapshot(), second * 1000, 1_000_000_000L);
        }
    }

    private TopFixtures() {
    }
}
