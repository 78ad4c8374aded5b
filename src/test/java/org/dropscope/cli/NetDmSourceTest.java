// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.capture.NetDmEvents;
import org.dropscope.event.AlertListener;
import org.dropscope.event.PacketDrop;
import org.dropscope.nativeio.Errno;
import org.dropscope.netlink.NlMsgDecoder;
import org.dropscope.netlink.dropmon.NetDmCmd;
import org.dropscope.netlink.dropmon.NetDmMessageDecoder;
import org.dropscope.netlink.dropmon.NetDmSummaryAlert;
import org.dropscope.record.RecordFormat;
import org.dropscope.record.SourceKind;
import org.dropscope.source.DropSource;
import org.dropscope.source.EventClock;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFacts;
import org.dropscope.source.netdm.NetDmConnection;
import org.junit.jupiter.api.Test;

/**
 * The NET_DM source against {@link FakeNetDm}'s Debian 6.1 kernel: what it says about itself for a
 * recording ({@link DropSource#facts()}: the family and the configuration CONFIG_GET reports, on
 * CLOCK_REALTIME, without a tracepoint format), and its alerts, which reach an
 * {@link AlertListener} beside the aggregator's counts.
 */
class NetDmSourceTest {
    private final FakeNetDm net = new FakeNetDm();

    @Test
    void theFactsNameTheFamilyAndTheConfigurationTheKernelReports() throws SourceException {
        net.resolves().config();
        try (NetDmConnection connection = NetDmConnection.connect(net, NetDmConnection.DEFAULT_ALERT_BUFFER);
                DropSource source = connection.open()) {
            SourceFacts facts = source.facts();
            assertEquals(SourceKind.NETDM, facts.kind());
            // netdm-6.1-ctrl-getfamily-reply.md: family id 0x20, version 2.
            assertEquals("NET_DM (drop_monitor) generic netlink family id " + FakeNetDm.FAMILY_ID + ", version 2",
                    facts.description());
            assertEquals(source.description(), facts.description());
            assertEquals(1, facts.cpus(), "NET_DM counts every drop under CPU 0");
            assertEquals(EventClock.CLOCK_REALTIME, facts.clock());
            assertEquals(RecordFormat.CLOCK_REALTIME, facts.clock().id(), "the record file's clock id");
            assertNull(facts.tracepointFormat());
            // netdm-6.1-config-new.md: alert mode 0 (summary), truncation 0, queue 1000.
            assertEquals(List.of("netdm.family.version=2", "netdm.alert_mode=summary", "netdm.trunc_len=0",
                    "netdm.queue_len=1000"), facts.properties().entrySet().stream().map(String::valueOf).toList());
            assertEquals(List.of("ctrl:3", Integer.toString(NetDmCmd.NET_DM_CMD_CONFIG_GET.intValue())),
                    net.requests(), "the family lookup, then one CONFIG_GET; nothing started");
        }
    }

    @Test
    void aRefusedConfigurationQueryIsTheSourcesOneLineError() throws SourceException {
        net.resolves().refuses(Errno.EPERM);
        try (NetDmConnection connection = NetDmConnection.connect(net, NetDmConnection.DEFAULT_ALERT_BUFFER);
                DropSource source = connection.open()) {
            SourceException e = assertThrows(SourceException.class, source::facts);
            assertEquals(SourceException.Kind.NO_PERMISSION, e.kind());
            assertTrue(e.getMessage().contains("NET_DM's config query needs CAP_NET_ADMIN"), e.getMessage());
        }
    }

    @Test
    void everyAlertReachesTheListenerAndItsDropsTheAggregator() throws Exception {
        net.resolves().acks(2);
        byte[] summary = FakeNetDm.fixture(FakeNetDm.SUMMARY);
        net.alerts.script.then(summary);
        CountDownLatch allRead = new CountDownLatch(1);
        net.alerts.whenRead = allRead::countDown;
        List<List<AlertListener.SummaryEntry>> summaries = Collections.synchronizedList(new ArrayList<>());
        AlertListener listener = new AlertListener() {
            @Override
            public void summary(List<AlertListener.SummaryEntry> entries) {
                summaries.add(entries);
            }

            @Override
            public void packet(PacketDrop drop) {
                throw new AssertionError("no packet alert was sent: " + drop);
            }
        };
        try (NetDmConnection connection = NetDmConnection.connect(net, NetDmConnection.DEFAULT_ALERT_BUFFER);
                DropSource source = connection.open()) {
            DropAggregator aggregator = new DropAggregator(source.cpus(), 1 << 10, 1 << 4);
            assertTrue(source.alertTo(listener), "NET_DM sends alerts");
            source.start(aggregator);
            assertTrue(allRead.await(10, TimeUnit.SECONDS), "the alert socket was read to its end");
            source.stop();
            List<AlertListener.SummaryEntry> expected = NetDmEvents.entries((NetDmSummaryAlert) NetDmMessageDecoder.decode(
                    NlMsgDecoder.decode(Unpooled.wrappedBuffer(summary))));
            assertEquals(List.of(expected), summaries, "the one summary alert, its entries in the kernel's order");
            assertEquals(expected.stream().mapToLong(AlertListener.SummaryEntry::count).sum(),
                    aggregator.snapshot().dropsTotal(), "its drops, counted");
            assertThrows(IllegalStateException.class, () -> source.alertTo(listener), "after start");
        }
    }
}
