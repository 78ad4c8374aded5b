// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * Causes known UDP drops on 127.0.0.1; run inside a test's network namespace
 * ({@code ip netns exec NS java -cp TEST_CLASSES org.dropscope.it.UdpTraffic MODE COUNT}).
 *
 * <ul>
 *   <li>{@code noport COUNT}: COUNT datagrams to a port nothing listens on, which the kernel drops
 *       in the UDP receive function with reason NO_SOCKET (and counts as Udp NoPorts).</li>
 *   <li>{@code rcvbuf COUNT}: COUNT datagrams to a bound socket whose receive buffer is the
 *       smallest the kernel allows and which is never read: all but the few that fit are dropped
 *       with reason SOCKET_RCVBUFF (and counted as Udp RcvbufErrors).</li>
 * </ul>
 *
 * <p>The sending socket is never connected: a connected UDP socket receives the ICMP port
 * unreachable errors as ECONNREFUSED on later sends and would silently send fewer datagrams.
 * Prints {@code sent N} (and {@code rcvbuf BYTES} for the receiver's effective buffer).
 */
public final class UdpTraffic {
    /** A port no socket in a new network namespace is bound to. */
    static final int CLOSED_PORT = 9;
    /** Upper bound on COUNT: the loop is always bounded. */
    static final int MAX_COUNT = 1_000_000;

    private UdpTraffic() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !args[1].matches("\\d{1,7}") || Integer.parseInt(args[1]) > MAX_COUNT) {
            System.err.println("usage: UdpTraffic noport|rcvbuf COUNT (COUNT <= " + MAX_COUNT + ")");
            System.exit(2);
        }
        int count = Integer.parseInt(args[1]);
        int sent;
        switch (args[0]) {
            case "noport":
                sent = send(new InetSocketAddress("127.0.0.1", CLOSED_PORT), count);
                break;
            case "rcvbuf":
                try (DatagramChannel receiver = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    // The kernel raises any smaller value to its minimum (SOCK_MIN_RCVBUF).
                    receiver.setOption(StandardSocketOptions.SO_RCVBUF, 1);
                    receiver.bind(new InetSocketAddress("127.0.0.1", 0));
                    System.out.println("rcvbuf " + receiver.getOption(StandardSocketOptions.SO_RCVBUF));
                    sent = send((InetSocketAddress) receiver.getLocalAddress(), count);
                }
                break;
            default:
                System.err.println("unknown mode " + args[0] + "; expected noport or rcvbuf");
                System.exit(2);
                return;
        }
        System.out.println("sent " + sent);
    }

    /** Sends {@code count} small datagrams from one unconnected, blocking socket. */
    private static int send(InetSocketAddress to, int count) throws IOException {
        ByteBuffer payload = ByteBuffer.wrap("dropscope".getBytes(StandardCharsets.US_ASCII));
        int sent = 0;
        try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            for (int i = 0; i < count; i++) {
                payload.rewind();
                if (sender.send(payload, to) == payload.capacity()) {
                    sent++;
                }
            }
        }
        return sent;
    }
}
