// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Causes known UDP drops on 127.0.0.1; run inside a test's network namespace
 * ({@code ip netns exec NS java -cp TEST_CLASSES org.dropscope.it.UdpTraffic [--until-eof] MODE COUNT [BYTES]}).
 *
 * <ul>
 *   <li>{@code noport COUNT}: COUNT datagrams to a port nothing listens on, which the kernel drops
 *       in the UDP receive function with reason NO_SOCKET (and counts as Udp NoPorts).</li>
 *   <li>{@code rcvbuf COUNT}: COUNT datagrams to a bound socket whose receive buffer is the
 *       smallest the kernel allows and which is read only after the last send: all but the few
 *       that fit are dropped with reason SOCKET_RCVBUFF (and counted as Udp RcvbufErrors).</li>
 *   <li>{@code closefull COUNT}: as {@code rcvbuf}, but the socket is closed unread: the few that
 *       fit are dropped too, later, in {@code udp_destruct_common} (no Udp counter has them).</li>
 *   <li>{@code filtered COUNT}: COUNT datagrams to port {@value #FILTERED_PORT}, for an nftables
 *       rule of the test to drop in the input hook (reason NETFILTER_DROP); without one, they are
 *       dropped as {@code noport}'s are.</li>
 *   <li>{@code mixed COUNT}: COUNT datagrams, alternately as {@code noport} and as {@code rcvbuf}
 *       sends them, so that both kinds of drops go on together for as long as the loop runs.</li>
 * </ul>
 *
 * <p>With {@code --until-eof} before MODE, COUNT is only an upper bound: sending stops as soon as
 * standard input ends. A test drives traffic that way until it has seen what the traffic is for
 * ({@link Netns#startSending}); if the test's JVM dies, its end of the pipe closes and the
 * sender stops too.
 *
 * <p>Each datagram carries BYTES bytes of payload (default 9, the word {@code dropscope}; longer
 * payloads repeat it), so that a drop monitor's truncation can be seen.
 *
 * <p>The sending socket is never connected: a connected UDP socket receives the ICMP port
 * unreachable errors as ECONNREFUSED on later sends and would silently send fewer datagrams.
 * Prints {@code sent N} (and {@code rcvbuf BYTES} for the receiver's effective buffer).
 */
public final class UdpTraffic {
    /** A port no socket in a new network namespace is bound to. */
    static final int CLOSED_PORT = 9;
    /** The port of {@code filtered}: a test's nftables rule drops datagrams to it (see {@link NftDrop}). */
    static final int FILTERED_PORT = 7;
    /** Upper bound on COUNT: the loop is always bounded (about a minute at 1.5 million a second). */
    static final int MAX_COUNT = 100_000_000;
    /** Set once standard input ended, with {@code --until-eof}. */
    private static volatile boolean inputEnded;
    /** Upper bound on BYTES: what one IPv4 UDP datagram can carry. */
    static final int MAX_BYTES = 65_507;
    private static final byte[] WORD = "dropscope".getBytes(StandardCharsets.US_ASCII);

    private UdpTraffic() {
    }

    /** The command running this class in a child JVM with {@code args}, for {@code ip netns exec}. */
    static List<String> command(String... args) {
        List<String> c = new ArrayList<>(ChildJvm.java("-cp", ChildJvm.testClasses().toString(), UdpTraffic.class.getName()));
        c.addAll(List.of(args));
        return c;
    }

    public static void main(String[] arguments) throws IOException {
        boolean untilEof = arguments.length > 0 && arguments[0].equals("--until-eof");
        String[] args = untilEof ? Arrays.copyOfRange(arguments, 1, arguments.length) : arguments;
        if (args.length < 2 || args.length > 3 || !bounded(args[1], MAX_COUNT)
                || args.length == 3 && !bounded(args[2], MAX_BYTES)) {
            System.err.println("usage: UdpTraffic [--until-eof] noport|rcvbuf|filtered|mixed|closefull COUNT [BYTES] (COUNT <= " + MAX_COUNT
                    + ", BYTES <= " + MAX_BYTES + ")");
            System.exit(2);
        }
        if (untilEof) {
            watchInput();
        }
        int count = Integer.parseInt(args[1]);
        ByteBuffer payload = ByteBuffer.wrap(payload(args.length == 3 ? Integer.parseInt(args[2]) : WORD.length));
        int sent;
        switch (args[0]) {
            case "noport":
                sent = send(new InetSocketAddress("127.0.0.1", CLOSED_PORT), count, payload);
                break;
            case "filtered":
                sent = send(new InetSocketAddress("127.0.0.1", FILTERED_PORT), count, payload);
                break;
            case "rcvbuf":
            case "mixed":
            case "closefull":
                try (DatagramChannel receiver = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    // The kernel raises any smaller value to its minimum (SOCK_MIN_RCVBUF).
                    receiver.setOption(StandardSocketOptions.SO_RCVBUF, 1);
                    receiver.bind(new InetSocketAddress("127.0.0.1", 0));
                    System.out.println("rcvbuf " + receiver.getOption(StandardSocketOptions.SO_RCVBUF));
                    InetSocketAddress full = (InetSocketAddress) receiver.getLocalAddress();
                    sent = args[0].equals("mixed")
                            ? send(new InetSocketAddress[] {new InetSocketAddress("127.0.0.1", CLOSED_PORT), full},
                                    count, payload)
                            : send(full, count, payload);
                    if (!args[0].equals("closefull")) {
                        // Read what the buffer held: datagrams still queued at close are freed
                        // later, from an RCU callback, in udp_destruct_common, and on 6.18 perf
                        // sometimes counts those without writing their samples (LostEventsIT).
                        receiver.configureBlocking(false);
                        ByteBuffer in = ByteBuffer.allocate(MAX_BYTES);
                        while (receiver.receive(in.clear()) != null) {
                            // drained
                        }
                    }
                }
                break;
            default:
                System.err.println("unknown mode " + args[0] + "; expected noport, rcvbuf, filtered, mixed or closefull");
                System.exit(2);
                return;
        }
        System.out.println("sent " + sent);
    }

    private static boolean bounded(String number, int max) {
        return number.matches("\\d{1,9}") && Integer.parseInt(number) <= max;
    }

    /** Sets {@link #inputEnded} when standard input ends; whatever comes before is ignored. */
    private static void watchInput() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // only the end matters
                }
            } catch (IOException e) {
                // a broken pipe ends the input as well
            }
            inputEnded = true;
        }, "until-eof");
        t.setDaemon(true);
        t.start();
    }

    /** {@code bytes} bytes of the word repeated. */
    private static byte[] payload(int bytes) {
        byte[] p = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            p[i] = WORD[i % WORD.length];
        }
        return p;
    }

    /** Sends {@code count} datagrams of {@code payload} from one unconnected, blocking socket. */
    private static int send(InetSocketAddress to, int count, ByteBuffer payload) throws IOException {
        return send(new InetSocketAddress[] {to}, count, payload);
    }

    /** As {@link #send(InetSocketAddress, int, ByteBuffer)}, to each address in turn. */
    private static int send(InetSocketAddress[] to, int count, ByteBuffer payload) throws IOException {
        int sent = 0;
        try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            for (int i = 0; i < count && !inputEnded; i++) {
                payload.rewind();
                if (sender.send(payload, to[i % to.length]) == payload.capacity()) {
                    sent++;
                }
            }
        }
        return sent;
    }
}
