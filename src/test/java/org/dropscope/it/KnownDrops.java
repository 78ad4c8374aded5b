// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three kinds of drops caused in a private network namespace, each counted by the kernel itself:
 * datagrams to a closed port (NO_SOCKET at {@code __udp4_lib_rcv}, Udp NoPorts), datagrams to an
 * unread socket with the smallest receive buffer (SOCKET_RCVBUFF at {@code udp_queue_rcv_one_skb},
 * Udp RcvbufErrors), and datagrams an nftables rule drops (NETFILTER_DROP, the rule's counter).
 * What a test expects of dropscope is {@link #cause}'s map, {@link #placed} where the kernel frees
 * the nftables drops.
 */
final class KnownDrops implements AutoCloseable {
    /** A kind of drop: the function it happened in and the kernel's reason. */
    record DropKey(String symbol, String reason) {
        @Override
        public String toString() {
            return symbol + "/" + reason;
        }
    }

    static final DropKey NO_SOCKET = new DropKey("__udp4_lib_rcv", "NO_SOCKET");
    static final DropKey SOCKET_RCVBUFF = new DropKey("udp_queue_rcv_one_skb", "SOCKET_RCVBUFF");
    /**
     * Where the kernel frees a packet an nftables rule dropped: nf_tables itself in
     * {@code nft_do_chain} (with a drop reason of its own; seen on 6.18), or the hook core's
     * {@code nf_hook_slow} on NF_DROP (net/netfilter/core.c; kernels where nf_tables only returns
     * the verdict). {@link #NETFILTER_DROP} names the first until {@link #placed} sees the other.
     */
    static final List<String> NETFILTER_SYMBOLS = List.of("nft_do_chain", "nf_hook_slow");
    static final DropKey NETFILTER_DROP = new DropKey(NETFILTER_SYMBOLS.get(0), "NETFILTER_DROP");

    /** How many datagrams of each kind {@link #cause} sends. */
    record Datagrams(int noPort, int fullBuffer, int filtered) {
    }

    /**
     * Few enough that all of them fit the default 1 MiB rings even if the reader never ran, as long
     * as samples carry no stacks; with stacks (about 240 bytes a drop) 5,500 need larger rings.
     */
    static final Datagrams DEFAULT = new Datagrams(1500, 3000, 1000);

    private final Netns net;
    private final NftDrop rule;

    private KnownDrops(Netns net, NftDrop rule) {
        this.net = net;
        this.rule = rule;
    }

    /** Skips (or under CI=true fails) unless root, the tools of the kernel tests and nft are there. */
    static void requireRootAndTools() {
        ShellProcess.requireRootAndTools();
        NftDrop.requireNft();
    }

    /** A new namespace with loopback up and the nftables rule. */
    static KnownDrops create() {
        Netns net = Netns.create();
        try {
            return new KnownDrops(net, NftDrop.add(net));
        } catch (RuntimeException | AssertionError e) {
            net.close();
            throw e;
        }
    }

    /**
     * Sends the datagrams and returns, per kind, the drops the kernel counted: what dropscope
     * must report exactly. Kinds with 0 datagrams are left out.
     */
    Map<DropKey, Long> cause(Datagrams d) {
        Map<DropKey, Long> expected = new LinkedHashMap<>();
        if (d.noPort() > 0) {
            Netns.Traffic t = net.send("noport", d.noPort());
            assertEquals(d.noPort(), t.sent(), "datagrams sent to a closed port");
            assertEquals(d.noPort(), t.noPorts(), "Udp NoPorts of the test's network namespace");
            expected.put(NO_SOCKET, t.noPorts());
        }
        if (d.fullBuffer() > 0) {
            Netns.Traffic t = net.send("rcvbuf", d.fullBuffer());
            assertEquals(d.fullBuffer(), t.sent(), "datagrams sent to the unread socket");
            assertTrue(t.rcvbufErrors() > 0 && t.rcvbufErrors() < d.fullBuffer(), "Udp RcvbufErrors should count all"
                    + " but the few datagrams the smallest buffer holds: " + t.rcvbufErrors());
            expected.put(SOCKET_RCVBUFF, t.rcvbufErrors());
        }
        if (d.filtered() > 0) {
            long before = rule.dropped();
            Netns.Traffic t = net.send("filtered", d.filtered());
            long dropped = rule.dropped() - before;
            assertEquals(d.filtered(), t.sent(), "datagrams sent to the filtered port");
            assertEquals(0, t.noPorts(), "datagrams that passed the nftables rule");
            assertEquals(d.filtered(), dropped, "the nftables rule's counter");
            expected.put(NETFILTER_DROP, dropped);
        }
        return expected;
    }

    /**
     * {@code expected} with the nftables drops keyed at the one of {@link #NETFILTER_SYMBOLS} where
     * {@code counted} (what dropscope reported) has NETFILTER_DROP drops, if it is exactly one;
     * otherwise as it is (and the comparison then fails, naming both).
     */
    static Map<DropKey, Long> placed(Map<DropKey, Long> expected, Map<DropKey, Long> counted) {
        Long n = expected.get(NETFILTER_DROP);
        List<String> seen = NETFILTER_SYMBOLS.stream()
                .filter(s -> counted.getOrDefault(new DropKey(s, NETFILTER_DROP.reason()), 0L) > 0).toList();
        if (n == null || seen.size() != 1) {
            return expected;
        }
        Map<DropKey, Long> m = new LinkedHashMap<>();
        expected.forEach((k, v) -> m.put(k.equals(NETFILTER_DROP) ? new DropKey(seen.get(0), k.reason()) : k, v));
        return m;
    }

    /**
     * Why {@code counted} shows activity of other processes ({@link Interference}), or null: more
     * of a kind than the kernel counted for the namespace, or lost events.
     */
    static String disturbance(Map<DropKey, Long> expected, Map<DropKey, Long> counted, long lost) {
        for (Map.Entry<DropKey, Long> e : expected.entrySet()) {
            String why = Interference.of(counted.getOrDefault(e.getKey(), 0L), e.getValue(), lost);
            if (why != null) {
                return e.getKey() + ": " + why;
            }
        }
        return null;
    }

    /** Only the expected kinds of {@code counted}, so that drops elsewhere on the machine do not matter. */
    static Map<DropKey, Long> only(Map<DropKey, Long> expected, Map<DropKey, Long> counted) {
        Map<DropKey, Long> m = new LinkedHashMap<>();
        for (DropKey k : expected.keySet()) {
            m.put(k, counted.getOrDefault(k, 0L));
        }
        return m;
    }

    @Override
    public void close() {
        net.close();
    }
}
