// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.dropscope.ksym.SymbolTable;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.netlink.dropmon.NetDmAttr;

/**
 * Writes the NET_DM byte fixtures (src/test/resources/fixtures/netlink) from the results of a
 * netdm-vm boot that ran nlmon.scenario: one raw netlink message per {@code .bin}, each with a
 * {@code .md} sidecar saying what it is, where it came from and, for PCs, the guest's kallsyms
 * entry; the whole capture as {@code netdm-6.1.pcap} with {@code netdm-6.1.md}. Run by
 * scripts/netdm-vm/capture-fixtures:
 *
 * <pre>java -cp target/test-classes:target/classes NetDmFixtureWriter RESULTS OUT KALLSYMS_FIXTURE</pre>
 */
public final class NetDmFixtureWriter {
    static final String PREFIX = "netdm-6.1-";
    static final String CAPTURE = "netdm-6.1.pcap";

    private final NetDmCapture capture;
    private final List<NlmonPcap.Record> records;
    private final Map<String, String> run;
    private final Symbolizer guest;
    private final String kallsymsFixture;

    private NetDmFixtureWriter(List<NlmonPcap.Record> records, Map<String, String> run, Symbolizer guest,
            String kallsymsFixture) {
        this.records = records;
        this.capture = NetDmCapture.of(NlmonPcap.messages(records));
        this.run = run;
        this.guest = guest;
        this.kallsymsFixture = kallsymsFixture;
    }

    /** One fixture: its name, what it is, and which captured message it is (the first that matches). */
    private record Choice(String name, String what, Predicate<RawNetlink> matches) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: NetDmFixtureWriter RESULTS OUT KALLSYMS_FIXTURE");
            System.exit(2);
        }
        Path results = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path pcap = results.resolve("nlmon/dropwatch/capture.pcap");
        Symbolizer guest = new Symbolizer(() -> new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(results.resolve("kallsyms.gz"))), StandardCharsets.UTF_8),
                () -> Files.newBufferedReader(results.resolve("modules.txt")));
        Map<String, String> run = new LinkedHashMap<>();
        for (String line : Files.readAllLines(results.resolve("run.txt"))) {
            int eq = line.indexOf('=');
            run.put(line.substring(0, eq), line.substring(eq + 1));
        }
        NetDmFixtureWriter w = new NetDmFixtureWriter(NlmonPcap.read(pcap), run, guest, args[2]);
        Files.createDirectories(out);
        Files.copy(pcap, out.resolve(CAPTURE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        w.write(out);
    }

    private List<Choice> choices() {
        NetDmCapture c = capture;
        return List.of(
            new Choice("ctrl-getfamily-request", "dropwatch's lookup of the NET_DM family at start-up (libnl's"
                + " genl_ctrl_resolve): CTRL_CMD_GETFAMILY to the generic netlink controller with"
                + " CTRL_ATTR_FAMILY_NAME \"NET_DM\"", m -> c.kind(m).equals("ctrl-getfamily-request")),
            new Choice("ctrl-getfamily-reply", "the controller's answer: CTRL_CMD_NEWFAMILY with NET_DM's family"
                + " id, version, header size, maximum attribute, operations and multicast group (\"events\")",
                m -> c.kind(m).equals("ctrl-family-reply")),
            new Choice("config-get-request", "`show`: NET_DM_CMD_CONFIG_GET, no attributes",
                m -> c.kind(m).equals("config-get-request")),
            new Choice("config-new", "the kernel's reply to `show`: NET_DM_CMD_CONFIG_NEW with alert mode,"
                + " truncation length and queue length", m -> c.kind(m).equals("config-new")),
            new Choice("stats-get-request", "`stats`: NET_DM_CMD_STATS_GET, no attributes",
                m -> c.kind(m).equals("stats-get-request")),
            new Choice("stats-new", "the kernel's reply to `stats`: NET_DM_CMD_STATS_NEW with the software and"
                + " hardware tail-drop counters (nested)", m -> c.kind(m).equals("stats-new")),
            new Choice("config-request-alert-mode", "`set alertmode summary`: NET_DM_CMD_CONFIG with"
                + " NET_DM_ATTR_ALERT_MODE, an ACK requested", m -> c.kind(m).equals("config-request")
                && m.genlAttribute(NetDmAttr.NET_DM_ATTR_ALERT_MODE.intValue()) != null),
            new Choice("config-request-trunc", "`set trunc 64`: NET_DM_CMD_CONFIG with NET_DM_ATTR_TRUNC_LEN",
                m -> c.kind(m).equals("config-request") && m.genlAttribute(NetDmAttr.NET_DM_ATTR_TRUNC_LEN
                .intValue()) != null && m.genlAttribute(NetDmAttr.NET_DM_ATTR_TRUNC_LEN.intValue()).u32() > 0),
            new Choice("start-request", "`start`: NET_DM_CMD_START without attributes (dropwatch sets neither"
                + " SW_DROPS nor HW_DROPS unless told; the kernel then monitors software drops)",
                m -> c.kind(m).equals("start-request")),
            new Choice("stop-request", "Ctrl-C while monitoring: NET_DM_CMD_STOP", m -> c.kind(m).equals("stop-request")),
            new Choice("ack", "the kernel's ACK of `start`: NLMSG_ERROR with error 0, the request's header only"
                + " (NLM_F_CAPPED)", m -> c.kind(m).equals("ack") && c.requestAnsweredBy(m)
                .map(r -> c.kind(r).equals("start-request")).orElse(false)),
            new Choice("error-ebusy", "the kernel refusing `set alertmode packet` from a second dropwatch while the"
                + " first monitors: NLMSG_ERROR -EBUSY", m -> c.kind(m).equals("error")
                && m.error() == -NetDmCapture.EBUSY),
            new Choice("error-eagain", "the kernel refusing `start` from a second dropwatch while the first"
                + " monitors: NLMSG_ERROR -EAGAIN", m -> c.kind(m).equals("error")
                && m.error() == -NetDmCapture.EAGAIN),
            new Choice("alert-summary", "a summary alert (NET_DM_CMD_ALERT): one attribute of type 0 holding"
                + " struct net_dm_alert_msg, the drop points of one CPU over one second",
                m -> c.kind(m).equals("alert") && m == mostEntries()),
            new Choice("packet-alert-truncated", "a packet alert (NET_DM_CMD_PACKET_ALERT) in packet mode with"
                + " `set trunc 64`: a UDP datagram to a closed port, payload cut to 64 bytes",
                m -> c.kind(m).equals("packet-alert") && lengths(m)[0] < lengths(m)[1]),
            new Choice("packet-alert-whole", "a packet alert (NET_DM_CMD_PACKET_ALERT) with `set trunc 0`: a UDP"
                + " datagram to a closed port, the whole packet from its MAC header",
                m -> c.kind(m).equals("packet-alert") && lengths(m)[0] == lengths(m)[1]));
    }

    private static long[] lengths(RawNetlink m) {
        return NetDmCapture.payloadAndOriginalLength(m);
    }

    private RawNetlink mostEntries() {
        return capture.messages().stream().filter(m -> capture.kind(m).equals("alert"))
                .max(Comparator.comparingInt(m -> m.genlAttributes().get(0).payload().length)).orElse(null);
    }

    private void write(Path out) throws IOException {
        StringBuilder index = new StringBuilder();
        for (Choice c : choices()) {
            RawNetlink m = capture.messages().stream().filter(c.matches()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + c.name() + " message in the capture"));
            String name = PREFIX + c.name();
            Files.write(out.resolve(name + ".bin"), m.bytes());
            Files.writeString(out.resolve(name + ".md"), sidecar(name, c.what(), m));
            index.append("| `").append(name).append(".bin` | ").append(m.bytes().length).append(" | ")
                    .append(location(m)).append(" |\n");
        }
        Files.writeString(out.resolve("netdm-6.1.md"), captureSidecar(index.toString()));
    }

    private String location(RawNetlink m) {
        for (NlmonPcap.Record r : records) {
            int i = r.messages().indexOf(m);
            if (i >= 0) {
                return "record " + r.index() + ", message " + i;
            }
        }
        throw new IllegalStateException("message not in the capture");
    }

    private String provenance() {
        return "- **Captured:** " + run.get("date") + " (guest clock).\n"
                + "- **Kernel:** `" + run.get("uname") + "`, package `" + run.get("kernel_package").replace(" ", "` ")
                + " (sha256 of the .deb `" + run.get("kernel_deb_sha256") + "`), booted under qemu ("
                + run.get("accel") + ", " + run.get("cpus") + " CPUs) by `scripts/netdm-vm/boot`, not installed."
                + " x86_64: every field is in little-endian host byte order.\n"
                + "- **Captured by:** `sudo scripts/netdm-vm/capture-fixtures`, which boots the guest, runs"
                + " `src/test/netdm-vm/nlmon.scenario` (Debian's dropwatch " + run.get("dropwatch")
                + ", `dropwatch -l kas` fed one command per line through a pipe, SIGINT to stop monitoring), and"
                + " records all netlink traffic with `tcpdump -i nlmon0 -s 0 -U -w capture.pcap` (tcpdump "
                + run.get("tcpdump") + ", device from `ip link add nlmon0 type nlmon`), then runs"
                + " `NetDmFixtureWriter`.\n"
                + "- **NET_DM family id in that boot:** " + hex(capture.familyId()) + " (from `" + PREFIX
                + "ctrl-getfamily-reply.bin`); the kernel assigns it at module load, so other boots may differ.\n"
                + "- **Addresses:** KASLR was on: PCs are valid for that boot only, and resolve with"
                + " `kallsyms-fixtures/" + kallsymsFixture + "` (the guest's /proc/kallsyms of the same boot).\n";
    }

    private String sidecar(String name, String what, RawNetlink m) {
        StringBuilder s = new StringBuilder("# " + name + ".bin\n\nOne raw netlink message, `nlmsghdr` included ("
                + m.bytes().length + " bytes), captured with nlmon in the netdm-vm guest: " + what + ". It is "
                + location(m) + " of `" + CAPTURE + "` (beside this file).\n\n" + provenance());
        s.append("\n## Header\n\n| field | value |\n|---|---|\n")
                .append("| nlmsg_len | ").append(m.length()).append(" |\n")
                .append("| nlmsg_type | ").append(hex(m.type())).append(typeName(m.type())).append(" |\n")
                .append("| nlmsg_flags | ").append(hex(m.flags())).append(" |\n")
                .append("| nlmsg_seq | ").append(m.seq()).append(" |\n")
                .append("| nlmsg_pid | ").append(m.pid()).append(" |\n");
        if (m.isError()) {
            RawNetlink r = m.request();
            s.append("| error | ").append(m.error()).append(" |\n| request nlmsg_type | ").append(hex(r.type()))
                    .append(typeName(r.type())).append(" |\n| request nlmsg_seq | ").append(r.seq()).append(" |\n");
            capture.requestAnsweredBy(m).ifPresent(req -> s.append("| request genl cmd | ").append(req.genlCmd())
                    .append(" (").append(capture.kind(req)).append(") |\n"));
            boolean capped = (m.flags() & 0x100) != 0;
            s.append("\nAfter the error code the kernel quotes ").append(capped ? "only the request's header"
                    + " (NLM_F_CAPPED, as it always does for an ACK)" : "the whole request (no NLM_F_CAPPED)")
                    .append((m.flags() & 0x200) != 0 ? ", then extended ACK attributes (NLM_F_ACK_TLVS)."
                    : "; no extended ACK attributes follow (no NLM_F_ACK_TLVS: dropwatch does not ask for them).")
                    .append('\n');
            return s.toString();
        }
        s.append("| genl cmd | ").append(m.genlCmd()).append(" (").append(capture.kind(m)).append(") |\n")
                .append("| genl version | ").append(m.genlVersion()).append(" |\n");
        s.append("\n## Attributes\n\n| type | name | payload bytes | value |\n|---|---|---|---|\n");
        for (RawNetlink.Attr a : m.genlAttributes()) {
            s.append("| ").append(a.type()).append(a.nested() ? " (nested)" : "").append(" | ")
                    .append(attrName(m, a)).append(" | ").append(a.payload().length).append(" | ")
                    .append(value(m, a)).append(" |\n");
        }
        RawNetlink.Attr payload = m.genlAttribute(NetDmAttr.NET_DM_ATTR_PAYLOAD.intValue());
        if (payload != null) {
            s.append("\n## NET_DM_ATTR_PAYLOAD (from the MAC header: loopback's all-zero Ethernet header, IPv4, UDP)\n\n```\n");
            byte[] p = payload.payload();
            for (int i = 0; i < p.length; i += 16) {
                StringBuilder line = new StringBuilder(String.format("%04x ", i));
                for (int j = i; j < Math.min(p.length, i + 16); j++) {
                    line.append(String.format(" %02x", p[j]));
                }
                s.append(line).append('\n');
            }
            s.append("```\n");
        }
        if (capture.kind(m).equals("alert")) {
            s.append("\n## Drop points (struct net_dm_drop_point: u8 pc[8], u32 count)\n\n| pc | count | symbol |"
                    + " kallsyms entry |\n|---|---|---|---|\n");
            java.nio.ByteBuffer b = RawNetlink.le(m.genlAttributes().get(0).payload());
            for (int i = 0; i < b.getInt(0); i++) {
                long pc = b.getLong(4 + 12 * i);
                s.append("| ").append(hex(pc)).append(" | ").append(Integer.toUnsignedLong(b.getInt(12 + 12 * i)))
                        .append(" | ").append(symbol(pc)).append(" |\n");
            }
        }
        return s.toString();
    }

    private String captureSidecar(String index) {
        return "# " + CAPTURE + "\n\nThe whole nlmon capture the `" + PREFIX + "*.bin` fixtures were cut from: every"
                + " netlink message of the guest while `src/test/netdm-vm/nlmon.scenario` ran ("
                + records.size() + " records). A pcap file with link type 253 (LINKTYPE_NETLINK); each record is a"
                + " 16-byte Linux cooked header (big-endian: packet type, ARPHRD_NETLINK = 824, address length 0,"
                + " address, netlink protocol 16 = NETLINK_GENERIC) followed by the netlink message(s) as the"
                + " socket carried them (`org.dropscope.testing.NlmonPcap` reads it). `netdm-6.1-dropwatch.txt` is what"
                + " the monitoring dropwatch printed meanwhile; `ReplayCommandTest` checks that `dropscope replay`"
                + " of this capture prints the same lines for the same messages.\n\n" + provenance() + "\n| fixture | bytes | where in the capture |\n|---|---|---|\n"
                + index;
    }

    private String typeName(int type) {
        if (type == capture.familyId()) {
            return " (NET_DM)";
        }
        return type == NetDmCapture.GENL_ID_CTRL ? " (GENL_ID_CTRL)" : type == 2 ? " (NLMSG_ERROR)" : "";
    }

    private String attrName(RawNetlink m, RawNetlink.Attr a) {
        if (m.type() == NetDmCapture.GENL_ID_CTRL) {
            String[] ctrl = {"CTRL_ATTR_UNSPEC", "CTRL_ATTR_FAMILY_ID", "CTRL_ATTR_FAMILY_NAME", "CTRL_ATTR_VERSION",
                "CTRL_ATTR_HDRSIZE", "CTRL_ATTR_MAXATTR", "CTRL_ATTR_OPS", "CTRL_ATTR_MCAST_GROUPS"};
            return a.type() < ctrl.length ? ctrl[a.type()] : "CTRL_ATTR " + a.type();
        }
        return NetDmAttr.valueOf(a.type()).name();
    }

    /** The value of the attributes whose type the uapi headers fix; "-" for the others. */
    private String value(RawNetlink m, RawNetlink.Attr a) {
        if (m.type() == NetDmCapture.GENL_ID_CTRL) {
            if (a.type() == 7) {
                // CTRL_ATTR_MCAST_GROUPS > group > CTRL_ATTR_MCAST_GRP_NAME (1), CTRL_ATTR_MCAST_GRP_ID (2)
                StringBuilder g = new StringBuilder();
                for (RawNetlink.Attr group : a.children()) {
                    for (RawNetlink.Attr f : group.children()) {
                        g.append(f.type() == 1 ? "name \"" + f.string() + "\" " : f.type() == 2 ? "id " + f.u32() : "");
                    }
                }
                return g.toString().trim();
            }
            if (a.nested()) {
                return a.children().size() + " nested attributes";
            }
            return switch (a.type()) {
                case 1 -> hex(a.u16());
                case 2 -> "\"" + a.string() + "\"";
                case 3, 4, 5 -> Long.toString(a.u32());
                default -> "-";
            };
        }
        NetDmAttr t = NetDmAttr.valueOf(a.type());
        if (t.equals(NetDmAttr.NET_DM_ATTR_IN_PORT) && a.children().size() == 1 && a.children().get(0).type() == 0) {
            return "NET_DM_ATTR_PORT_NETDEV_IFINDEX (type 0) = " + a.children().get(0).u32();
        }
        if ((t.equals(NetDmAttr.NET_DM_ATTR_STATS) || t.equals(NetDmAttr.NET_DM_ATTR_HW_STATS))
                && a.children().size() == 1 && a.children().get(0).type() == 0) {
            return "NET_DM_ATTR_STATS_DROPPED (type 0, u64) = " + a.children().get(0).u64();
        }
        if (a.nested()) {
            return a.children().size() + " nested attributes";
        }
        if (t.equals(NetDmAttr.NET_DM_ATTR_PAYLOAD)) {
            return "below";
        }
        if (t.equals(NetDmAttr.NET_DM_ATTR_PC)) {
            return hex(a.u64()) + " = " + symbol(a.u64()).replace(" | ", ", kallsyms: ");
        }
        if (t.equals(NetDmAttr.NET_DM_ATTR_SYMBOL) || t.equals(NetDmAttr.NET_DM_ATTR_REASON)) {
            return "\"" + a.string() + "\"";
        }
        if (t.equals(NetDmAttr.NET_DM_ATTR_ALERT_MODE)) {
            return Integer.toString(a.u8());
        }
        if (t.equals(NetDmAttr.NET_DM_ATTR_PROTO) || t.equals(NetDmAttr.NET_DM_ATTR_ORIGIN)) {
            return hex(a.u16());
        }
        if (t.equals(NetDmAttr.NET_DM_ATTR_TRUNC_LEN) || t.equals(NetDmAttr.NET_DM_ATTR_QUEUE_LEN)
                || t.equals(NetDmAttr.NET_DM_ATTR_ORIG_LEN)) {
            return Long.toString(a.u32());
        }
        if (t.equals(NetDmAttr.NET_DM_ATTR_TIMESTAMP)) {
            return a.u64() + " ns (wall clock)";
        }
        if (t.equals(NetDmAttr.NET_DM_ATTR_UNSPEC) && capture.kind(m).equals("alert")) {
            return RawNetlink.le(a.payload()).getInt(0) + " drop points, below";
        }
        return "-";
    }

    /** {@code sym+0xoff/0xsize | `ADDRESS TYPE NAME`}: the PC in the guest's kallsyms of the capture's boot. */
    private String symbol(long pc) {
        SymbolTable table = guest.table();
        int i = table.indexOf(pc);
        if (i < 0) {
            return "(no symbol) | -";
        }
        String entry = String.format("%016x %c %s", table.address(i), table.type(i), table.name(i))
                + (table.module(i) == null ? "" : "\t[" + table.module(i) + "]");
        return guest.percentPS(pc) + " | `" + entry + "`";
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
