// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.dropscope.nativeio.Errno;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.dropscope.testing.KernelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The client, the resolver and the socket transport against the running kernel's generic
 * netlink controller. Nothing here changes kernel state.
 */
@Tag("kernel")
class NetlinkClientIT {

    private final TrackingAllocator alloc = new TrackingAllocator();

    @BeforeEach
    void root() {
        KernelTestSupport.requireRoot();
    }

    @AfterEach
    void everyBufferWasReleased() {
        alloc.assertAllReleased();
    }

    private NetlinkClient client(NetlinkListener listener, int bufferSize) throws IOException {
        return new NetlinkClient(NetlinkSocketTransport.openGeneric(), listener, alloc, bufferSize, 5000);
    }

    @Test
    void resolvesTheControllerByName() throws IOException {
        try (NetlinkClient client = client(NetlinkListener.NONE, NetlinkClient.DEFAULT_BUFFER_SIZE)) {
            GenlFamilyResolver resolver = new GenlFamilyResolver(client, alloc);
            GenlFamily nlctrl = resolver.resolve("nlctrl");
            assertEquals("nlctrl", nlctrl.name());
            assertEquals(NetlinkLayout.GENL_ID_CTRL, nlctrl.id(), "the one id fixed by genetlink.h");
            assertTrue(nlctrl.hasOperation(NetlinkLayout.CTRL_CMD_GETFAMILY));
            assertFalse(nlctrl.needsAdmin(NetlinkLayout.CTRL_CMD_GETFAMILY));

            int notify = nlctrl.multicastGroup("notify").getAsInt();
            NetlinkSocketTransport socket = (NetlinkSocketTransport) client.transport();
            assertNotEquals(0, socket.portId());
            assertEquals(0, socket.memberships());
            socket.joinGroup(notify);
            assertEquals(1 << (notify - 1), socket.memberships(), "joined the group id the kernel gave");
            assertEquals(0, client.overruns() + client.truncated() + client.malformed() + client.stale());
        }
    }

    @Test
    void netDmOnThisKernel() throws IOException {
        Optional<String> config = kernelConfig("CONFIG_NET_DROP_MONITOR");
        try (NetlinkClient client = client(NetlinkListener.NONE, NetlinkClient.DEFAULT_BUFFER_SIZE)) {
            GenlFamilyResolver resolver = new GenlFamilyResolver(client, alloc);
            GenlFamily netDm = null;
            GenlFamilyResolver.FamilyNotFoundException notFound = null;
            try {
                netDm = resolver.resolve(NetDmConstants.NET_DM_FAMILY_NAME);
            } catch (GenlFamilyResolver.FamilyNotFoundException e) {
                notFound = e;
            }
            System.err.println("CONFIG_NET_DROP_MONITOR " + config.orElse("unknown (no /proc/config.gz)") + ": "
                    + (netDm != null ? netDm : notFound.getMessage()));
            if (config.isPresent() && config.get().equals("not set")) {
                assertNotNull(notFound, "a kernel without drop_monitor has no NET_DM family");
            }
            if (config.isPresent() && config.get().equals("y")) {
                assertNotNull(netDm, "a kernel with drop_monitor built in has the NET_DM family");
            }
            if (notFound != null) {
                assertEquals(Errno.ENOENT, notFound.errno());
                assertEquals(NetDmConstants.NET_DM_FAMILY_NAME, notFound.family());
                String extack = notFound.extackMessage();
                assertEquals("generic netlink family NET_DM not found: kernel said: No such file or directory (ENOENT)"
                        + (extack == null ? "" : ": " + extack), notFound.getMessage());
            } else {
                assertEquals(NetDmConstants.NET_DM_FAMILY_NAME, netDm.name());
                assertTrue(netDm.multicastGroup(NetDmConstants.NET_DM_MCGRP_EVENTS).isPresent());
            }
            GenlFamily nlctrl = resolver.resolve("nlctrl");
            assertEquals(NetlinkLayout.GENL_ID_CTRL, nlctrl.id(), "the client is still in step afterwards");
        }
    }

    @Test
    void aRejectedRequestCarriesErrnoAndTheKernelsText() throws IOException {
        try (NetlinkClient client = client(NetlinkListener.NONE, NetlinkClient.DEFAULT_BUFFER_SIZE)) {
            // CTRL_ATTR_FAMILY_NAME is an NLA_NUL_STRING: a name without its NUL fails validation.
            ByteBuf bad = NlMsgBuilder.start(alloc.buffer(), NetlinkLayout.GENL_ID_CTRL, 0)
                    .genl(NetlinkLayout.CTRL_CMD_GETFAMILY, 1)
                    .bytes(NetlinkLayout.CTRL_ATTR_FAMILY_NAME, "NET_DM".getBytes(StandardCharsets.US_ASCII))
                    .finish();
            NetlinkKernelException e = assertThrows(NetlinkKernelException.class,
                    () -> client.request("CTRL_CMD_GETFAMILY", bad, GenlFamilyDecoder::decode));
            System.err.println(e.getMessage() + " " + e.error());
            assertEquals(Errno.EINVAL, e.errno(), "policy validation failure");
            String extack = e.extackMessage();
            assertEquals("CTRL_CMD_GETFAMILY: kernel said: Invalid argument (EINVAL)"
                    + (extack == null ? "" : ": " + extack), e.getMessage());
            e.error().offset().ifPresent(offset -> assertEquals(
                    NetlinkLayout.NLMSG_HDRLEN + NetlinkLayout.GENL_HDRLEN, offset, "blames our only attribute"));

            ByteBuf unknownCommand = NlMsgBuilder.start(alloc.buffer(), NetlinkLayout.GENL_ID_CTRL, 0)
                    .genl(99, 1).finish();
            NetlinkKernelException op = assertThrows(NetlinkKernelException.class,
                    () -> client.request("nlctrl command 99", unknownCommand, GenlFamilyDecoder::decode));
            assertEquals(Errno.EOPNOTSUPP, op.errno());
            assertTrue(op.getMessage().startsWith("nlctrl command 99: kernel said: "
                    + Errno.description(Errno.EOPNOTSUPP) + " (EOPNOTSUPP)"), op.getMessage());
        }
    }

    @Test
    void aReplyTooBigForTheBufferIsTruncatedNotMalformed() throws IOException {
        AtomicInteger truncatedCalls = new AtomicInteger();
        NetlinkListener listener = new NetlinkListener() {
            @Override
            public void onTruncated(int datagramLength, int received) {
                assertEquals(64, received);
                truncatedCalls.incrementAndGet();
            }
        };
        try (NetlinkClient client = client(listener, 64)) {
            GenlFamilyResolver resolver = new GenlFamilyResolver(client, alloc);
            NetlinkClient.TruncatedException e = assertThrows(NetlinkClient.TruncatedException.class,
                    () -> resolver.resolve("nlctrl"));
            assertTrue(e.datagramLength() > 64, e.getMessage());
            assertEquals(1, client.truncated());
            assertEquals(1, truncatedCalls.get());
            assertEquals(0, client.malformed());
            GenlFamilyResolver.FamilyNotFoundException next = assertThrows(GenlFamilyResolver.FamilyNotFoundException.class,
                    () -> resolver.resolve("dropscope-none"));
            assertEquals(Errno.ENOENT, next.errno(), "the next exchange reads its own answer");
        }
    }

    @Test
    void anOverrunIsCountedAndTheSocketStaysUsable() throws IOException {
        AtomicInteger overrunCalls = new AtomicInteger();
        NetlinkListener listener = new NetlinkListener() {
            @Override
            public void onOverrun() {
                overrunCalls.incrementAndGet();
            }
        };
        try (NetlinkClient client = client(listener, NetlinkClient.DEFAULT_BUFFER_SIZE)) {
            NetlinkSocketTransport socket = (NetlinkSocketTransport) client.transport();
            int rcvbuf = socket.setReceiveBufferSize(0); // the kernel's minimum
            ByteBuf request = GenlFamilyResolver.getFamily(alloc.buffer(), "nlctrl");
            request.setShortLE(NetlinkLayout.NLMSG_FLAGS_OFFSET, NetlinkLayout.NLM_F_REQUEST);
            request.setIntLE(NetlinkLayout.NLMSG_SEQ_OFFSET, 0x7fff0000); // not a sequence the client uses
            try {
                for (int i = 0; i < 4 * rcvbuf / NetlinkLayout.NLMSG_HDRLEN; i++) {
                    socket.send(request);
                }
            } finally {
                request.release();
            }
            long before;
            do {
                before = client.overruns() + client.stale();
                client.receive(200);
            } while (client.overruns() + client.stale() != before);
            assertTrue(client.overruns() >= 1, "the flood overran a " + rcvbuf + "-byte buffer");
            assertEquals(client.overruns(), overrunCalls.get());
            assertTrue(client.stale() >= 1, "the replies that fitted were another exchange's");
            assertEquals(0, client.malformed());
            assertEquals(NetlinkLayout.GENL_ID_CTRL, new GenlFamilyResolver(client, alloc).resolve("nlctrl").id());
        }
    }

    /** The value of {@code option} in /proc/config.gz ("y", "m", "not set"), if that file exists. */
    private static Optional<String> kernelConfig(String option) throws IOException {
        Path config = Path.of("/proc/config.gz");
        if (!Files.isReadable(config)) {
            return Optional.empty();
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(config)), StandardCharsets.US_ASCII))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.equals("# " + option + " is not set")) {
                    return Optional.of("not set");
                }
                if (line.startsWith(option + "=")) {
                    return Optional.of(line.substring(option.length() + 1));
                }
            }
        }
        return Optional.of("not set");
    }
}
