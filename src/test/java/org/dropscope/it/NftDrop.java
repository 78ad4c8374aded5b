// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.testing.KernelTestSupport;

/**
 * An nftables rule in a test's network namespace that counts and drops UDP datagrams to
 * {@link UdpTraffic#FILTERED_PORT} in the input hook: {@code nft add rule inet T input udp dport 7
 * counter drop} (nft(8)). The kernel frees each with reason NETFILTER_DROP in {@code nf_hook_slow}
 * (net/netfilter/core.c), and the rule's counter says how many.
 */
final class NftDrop {
    private static final String TABLE = "dropscope_it";
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+ drop");

    private final Netns net;

    private NftDrop(Netns net) {
        this.net = net;
    }

    /** Skips (or under CI=true fails) without nft. */
    static void requireNft() {
        KernelTestSupport.require(Commands.succeeds("nft", "--version"), "nft (nftables) is needed");
    }

    /** Adds the table, an input chain and the rule to {@code net}; the namespace's deletion removes them. */
    static NftDrop add(Netns net) {
        nft(net, "add", "table", "inet", TABLE);
        nft(net, "add", "chain", "inet", TABLE, "input", "{ type filter hook input priority 0; policy accept; }");
        nft(net, "add", "rule", "inet", TABLE, "input", "udp", "dport", Integer.toString(UdpTraffic.FILTERED_PORT),
                "counter", "drop");
        return new NftDrop(net);
    }

    /** The packets the rule has dropped so far, from its counter. */
    long dropped() {
        List<String> lines = net.exec(List.of("nft", "list", "chain", "inet", TABLE, "input")).checked().stdoutLines();
        for (String line : lines) {
            Matcher m = COUNTER.matcher(line.trim());
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return fail("no counter in nft's listing of the rule: " + lines);
    }

    private static void nft(Netns net, String... args) {
        net.exec(Commands.concat(List.of("nft"), List.of(args))).checked();
    }
}
