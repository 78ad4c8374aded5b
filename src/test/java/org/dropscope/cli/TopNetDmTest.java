// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.netlink.NlMsgBuilder;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordNames;
import org.dropscope.record.RecordReader;
import org.dropscope.record.RecordVisitor;
import org.junit.jupiter.api.Test;

/**
 * {@code top} over NET_DM when a device traps packets in hardware: the kernel names each trap in
 * its summary alerts, and top shows that name, the one {@code record} writes into its file. (Before
 * top and record asked one naming service, top showed {@code hw-trap#ID}.)
 */
class TopNetDmTest {
    /** A hardware summary alert (NET_DM_CMD_ALERT) of one trap, as drop_monitor sends it with HW_ENTRIES. */
    private static byte[] hardwareSummary(String trap, int count) {
        NlMsgBuilder m = NlMsgBuilder.start(Unpooled.buffer(), FakeNetDm.FAMILY_ID, 0).genl(1, 2)
                .bytes(0, new byte[4]);                        // net_dm_alert_msg with 0 entries
        int entries = m.beginNest(0x8000 | 17);                // NET_DM_ATTR_HW_ENTRIES
        int entry = m.beginNest(0x8000 | 18);                  // NET_DM_ATTR_HW_ENTRY
        m.string(16, trap).u32(19, count)                      // HW_TRAP_NAME, HW_TRAP_COUNT
                .endNest(entry).endNest(entries);
        ByteBuf b = m.finish();
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Two traps, one of them twice. */
    private static void alerts(FakeNetDm net) {
        net.alerts.script.then(hardwareSummary("ingress_vlan_filter", 5)).then(hardwareSummary("blackhole_route", 3))
                .then(hardwareSummary("ingress_vlan_filter", 2));
    }

    /** Drops per name in the symbol column of {@code top --batch -n 1}'s one block. */
    private static Map<String, Long> top() {
        FakeNetDm net = new FakeNetDm();
        net.resolves().acks(2);                                // family, START, STOP
        alerts(net);
        TopCommand cmd = new TopCommand();
        cmd.options.source.netDmSockets = net;
        cmd.handleSignals = false;
        // One interval: it ends with STOP and every alert read, so the block holds them all.
        CommandRun.Result run = CommandRun.of(cmd).run("--source", "netdm", "-l", "none", "--batch", "-n", "1",
                "--interval", "10");
        assertEquals(ExitCodes.OK, run.exit(), run::err);
        String block = run.out();
        assertFalse(block.contains("trap#"), block);
        Map<String, Long> drops = new TreeMap<>();
        // Rows: drops/s, total, share, first, last, symbol, reason ("-": hardware drops have none).
        for (String row : block.lines().filter(l -> l.endsWith(" -")).toList()) {
            String[] f = row.trim().split("\\s+");
            drops.merge(f[5], Long.parseLong(f[1]), Long::sum);
        }
        return drops;
    }

    /** Drops per trap name as {@code record}'s file names them. */
    private static Map<String, Long> record() throws IOException {
        FakeNetDm net = new FakeNetDm();
        net.resolves().config().acks(2);                       // family, CONFIG_GET for the header, START, STOP
        alerts(net);
        RecordCommand cmd = new RecordCommand();
        cmd.source.netDmSockets = net;
        cmd.handleSignals = false;
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        cmd.stdout = file;
        net.alerts.whenRead = cmd::interrupt;
        CommandRun.Result run = CommandRun.of(cmd).run("--source", "netdm", "-l", "none", "-o", "-");
        assertEquals(ExitCodes.OK, run.exit(), run::err);
        RecordNames names = new RecordNames();
        Map<String, Long> drops = new TreeMap<>();
        ReadResult r = new RecordReader(new ByteArrayInputStream(file.toByteArray())).read(names.feeding(
                new RecordVisitor() {
                    @Override
                    public void drop(DropEvent e) {
                        assertEquals(DropOrigin.HARDWARE, e.origin());
                        drops.merge(names.trapLabel((int) e.location()), e.count(), Long::sum);
                    }
                }));
        assertEquals(true, r.complete(), r::toString);
        return drops;
    }

    @Test
    void topShowsAHardwareDropByTheTrapNameRecordWrites() throws IOException {
        Map<String, Long> recorded = record();
        assertEquals(Map.of("blackhole_route", 3L, "ingress_vlan_filter", 7L), recorded);
        assertEquals(recorded, top());
    }
}
