// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.netlink.NetlinkLayout;
import org.dropscope.netlink.dropmon.NetDmAttr;
import org.dropscope.netlink.dropmon.NetDmCmd;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The captured NET_DM fixtures (fixtures/netlink/netdm-6.1-*.bin, see their .md sidecars) are
 * what their names say, framed as the kernel framed them: nlmsg_len is the file's length, the type
 * is NET_DM's family id from the captured family reply (or the controller's, or NLMSG_ERROR), the
 * generic netlink command matches, the attributes fill the message exactly, and every fixture is a
 * message of the capture it was cut from, byte for byte, and their PCs resolve in the kallsyms
 * snapshot of the same boot. Decoding them is the codec's tests' job.
 */
class NetDmFixturesTest {
    private static final String PREFIX = "netdm-6.1-";
    private static final int FROM_CTRL = -1;
    private static final int ERROR = -2;
    private static final int CTRL_ATTR_MCAST_GROUPS = 7;

    /** Each fixture's expected family (NET_DM, FROM_CTRL, ERROR) and command (or errno for errors). */
    private static final Map<String, int[]> EXPECTED = Map.ofEntries(
            Map.entry("ctrl-getfamily-request", new int[] {FROM_CTRL, NetDmCapture.CTRL_CMD_GETFAMILY}),
            Map.entry("ctrl-getfamily-reply", new int[] {FROM_CTRL, NetDmCapture.CTRL_CMD_NEWFAMILY}),
            Map.entry("config-get-request", new int[] {0, NetDmCmd.NET_DM_CMD_CONFIG_GET.intValue()}),
            Map.entry("config-new", new int[] {0, NetDmCmd.NET_DM_CMD_CONFIG_NEW.intValue()}),
            Map.entry("stats-get-request", new int[] {0, NetDmCmd.NET_DM_CMD_STATS_GET.intValue()}),
            Map.entry("stats-new", new int[] {0, NetDmCmd.NET_DM_CMD_STATS_NEW.intValue()}),
            Map.entry("config-request-alert-mode", new int[] {0, NetDmCmd.NET_DM_CMD_CONFIG.intValue()}),
            Map.entry("config-request-trunc", new int[] {0, NetDmCmd.NET_DM_CMD_CONFIG.intValue()}),
            Map.entry("start-request", new int[] {0, NetDmCmd.NET_DM_CMD_START.intValue()}),
            Map.entry("stop-request", new int[] {0, NetDmCmd.NET_DM_CMD_STOP.intValue()}),
            Map.entry("alert-summary", new int[] {0, NetDmCmd.NET_DM_CMD_ALERT.intValue()}),
            Map.entry("packet-alert-truncated", new int[] {0, NetDmCmd.NET_DM_CMD_PACKET_ALERT.intValue()}),
            Map.entry("packet-alert-whole", new int[] {0, NetDmCmd.NET_DM_CMD_PACKET_ALERT.intValue()}),
            Map.entry("ack", new int[] {ERROR, 0}),
            Map.entry("error-ebusy", new int[] {ERROR, -NetDmCapture.EBUSY}),
            Map.entry("error-eagain", new int[] {ERROR, -NetDmCapture.EAGAIN}));

    private static Path dir;
    private static int familyId;
    private static List<RawNetlink> captured;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        dir = Path.of(NetDmFixturesTest.class.getResource("/fixtures/netlink").toURI());
        RawNetlink reply = fixture("ctrl-getfamily-reply");
        assertEquals(NetDmConstants.NET_DM_FAMILY_NAME, NetDmCapture.familyName(reply));
        familyId = NetDmCapture.familyIdOf(reply);
        captured = NlmonPcap.messages(NlmonPcap.read(dir.resolve("netdm-6.1.pcap")));
    }

    static Stream<String> names() {
        return EXPECTED.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("names")
    void isOneFramedMessageOfTheCapture(String name) throws IOException {
        byte[] bytes = Files.readAllBytes(dir.resolve(PREFIX + name + ".bin"));
        List<RawNetlink> split = RawNetlink.split(bytes);
        assertEquals(1, split.size(), "messages in " + name);
        RawNetlink m = split.get(0);
        assertEquals(bytes.length, m.length(), "nlmsg_len of " + name);
        assertTrue(captured.stream().anyMatch(c -> java.util.Arrays.equals(c.bytes(), bytes)),
                name + " is a message of netdm-6.1.pcap");
        assertTrue(Files.isRegularFile(dir.resolve(PREFIX + name + ".md")), name + " has its .md sidecar");
    }

    @ParameterizedTest
    @MethodSource("names")
    void hasTheTypeAndCommandItsNameSays(String name) throws IOException {
        RawNetlink m = fixture(name);
        int[] expected = EXPECTED.get(name);
        if (expected[0] == ERROR) {
            assertEquals(NetlinkLayout.NLMSG_ERROR, m.type(), name);
            assertEquals(expected[1], m.error(), name + ": error code");
            assertEquals(familyId, m.request().type(), name + ": answers a NET_DM request");
            return;
        }
        assertEquals(expected[0] == FROM_CTRL ? NetDmCapture.GENL_ID_CTRL : familyId, m.type(), name + ": nlmsg_type");
        assertEquals(expected[1], m.genlCmd(), name + ": genl cmd");
        assertEquals(name.contains("-request"), NetDmCapture.isRequest(m), name + ": NLM_F_REQUEST");
        // The attributes fill the message: RawNetlink throws on a length past the end.
        int sum = m.genlAttributes().stream().mapToInt(a -> 4 + a.payload().length + 3 & ~3).sum();
        assertEquals(m.length() - NetlinkLayout.NLMSG_HDRLEN - NetlinkLayout.GENL_HDRLEN, sum, name + ": attributes");
    }

    @ParameterizedTest
    @MethodSource("names")
    void carriesTheAttributesThatMakeItWhatItIs(String name) throws IOException {
        RawNetlink m = fixture(name);
        Set<Integer> types = new TreeSet<>();
        if (!m.isError()) {
            m.genlAttributes().forEach(a -> types.add(a.type()));
        }
        switch (name) {
            case "ctrl-getfamily-request" -> assertEquals(NetDmConstants.NET_DM_FAMILY_NAME, NetDmCapture.familyName(m));
            case "config-request-alert-mode" -> assertTrue(types.contains(NetDmAttr.NET_DM_ATTR_ALERT_MODE.intValue()));
            case "config-request-trunc" -> assertTrue(types.contains(NetDmAttr.NET_DM_ATTR_TRUNC_LEN.intValue()));
            case "config-new" -> assertEquals(Set.of(NetDmAttr.NET_DM_ATTR_ALERT_MODE.intValue(),
                    NetDmAttr.NET_DM_ATTR_TRUNC_LEN.intValue(), NetDmAttr.NET_DM_ATTR_QUEUE_LEN.intValue()), types);
            case "stats-new" -> assertTrue(types.contains(NetDmAttr.NET_DM_ATTR_STATS.intValue()));
            case "alert-summary" -> assertEquals(Set.of(NetDmAttr.NET_DM_ATTR_UNSPEC.intValue()), types);
            case "packet-alert-truncated", "packet-alert-whole" -> {
                long[] len = NetDmCapture.payloadAndOriginalLength(m);
                assertNotNull(m.genlAttribute(NetDmAttr.NET_DM_ATTR_PC.intValue()), "PC");
                assertNotNull(m.genlAttribute(NetDmAttr.NET_DM_ATTR_REASON.intValue()), "REASON");
                assertTrue(name.endsWith("truncated") ? len[0] < len[1] : len[0] == len[1], name + ": payload "
                        + len[0] + " of " + len[1] + " bytes");
            }
            case "ctrl-getfamily-reply" -> assertTrue(types.containsAll(Set.of(NetDmCapture.CTRL_ATTR_FAMILY_ID,
                    NetDmCapture.CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS)), "attributes " + types);
            case "config-get-request", "stats-get-request" -> assertEquals(Set.of(), types);
            case "start-request", "stop-request" -> assertTrue(Set.of(NetDmAttr.NET_DM_ATTR_SW_DROPS.intValue(),
                    NetDmAttr.NET_DM_ATTR_HW_DROPS.intValue()).containsAll(types), "attributes " + types);
            default -> assertTrue(m.length() >= NetlinkLayout.NLMSG_HDRLEN + NetlinkLayout.NLMSGERR_SIZE,
                    name + ": an nlmsgerr with the request's header");
        }
    }

    @Test
    void pcsResolveInTheKallsymsOfTheCapturedBootToTheKernelsOwnSymbol() throws IOException {
        // The sidecars name the snapshot: KASLR moves every address per boot.
        String md = Files.readString(dir.resolve(PREFIX + "packet-alert-truncated.md"));
        Matcher k = Pattern.compile("kallsyms-fixtures/(\\S+?\\.kallsyms\\.gz)").matcher(md);
        assertTrue(k.find(), "the sidecar names a kallsyms snapshot");
        String snapshot = "/kallsyms-fixtures/" + k.group(1);
        Symbolizer guest = new Symbolizer(() -> new InputStreamReader(new GZIPInputStream(
                NetDmFixturesTest.class.getResourceAsStream(snapshot)), StandardCharsets.UTF_8), () -> null);
        for (String name : List.of("packet-alert-truncated", "packet-alert-whole")) {
            RawNetlink m = fixture(name);
            long pc = m.genlAttribute(NetDmAttr.NET_DM_ATTR_PC.intValue()).u64();
            assertEquals(m.genlAttribute(NetDmAttr.NET_DM_ATTR_SYMBOL.intValue()).string(), guest.percentPS(pc),
                    name + ": NET_DM_ATTR_SYMBOL is the kernel's %pS of NET_DM_ATTR_PC");
        }
        ByteBuffer alert = ByteBuffer.wrap(fixture("alert-summary").genlAttributes().get(0).payload())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < alert.getInt(NetDmConstants.NET_DM_ALERT_MSG_ENTRIES_OFFSET); i++) {
            long pc = alert.getLong(NetDmConstants.NET_DM_ALERT_MSG_SIZE + i * NetDmConstants.NET_DM_DROP_POINT_SIZE);
            assertNotNull(guest.resolve(pc), "summary drop point " + Long.toHexString(pc) + " in " + snapshot);
        }
    }

    private static RawNetlink fixture(String name) throws IOException {
        return new RawNetlink(Files.readAllBytes(dir.resolve(PREFIX + name + ".bin")));
    }
}
