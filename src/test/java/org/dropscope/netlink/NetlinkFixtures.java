// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Buffers for decoder tests: fixture bytes are written into (or loaded into) buffers from the
 * default allocator, which the build's paranoid leak detector tracks, and every test ends with
 * {@link #assertDrained}: nothing left over, nothing leaked.
 */
public final class NetlinkFixtures {

    private NetlinkFixtures() {
    }

    /** An empty direct buffer to write a hand-built fixture into. */
    public static ByteBuf buffer() {
        return ByteBufAllocator.DEFAULT.directBuffer(256);
    }

    /**
     * The bytes of {@code src/test/resources/fixtures/netlink/<name>} in a new direct buffer:
     * captured datagrams, concatenated (netlink messages frame themselves).
     */
    public static ByteBuf load(String name) {
        String path = "/fixtures/netlink/" + name;
        try (InputStream in = NetlinkFixtures.class.getResourceAsStream(path)) {
            assertNotNull(in, path + " is not on the test classpath");
            byte[] bytes = in.readAllBytes();
            return ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of the fixture {@code name}, as {@link #load} reads them. */
    public static byte[] bytes(String name) {
        ByteBuf b = load(name);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Nothing left over in {@code buf}, and releasing it frees it. */
    public static void assertDrained(ByteBuf buf) {
        assertEquals(0, buf.readableBytes(), "bytes left over");
        assertEquals(1, buf.refCnt(), "the decoder kept or dropped a reference");
        assertTrue(buf.release());
        assertEquals(0, buf.refCnt());
    }

    /** Skips what is left and then {@link #assertDrained}: for tests that stop at an error. */
    public static void release(ByteBuf buf) {
        buf.skipBytes(buf.readableBytes());
        assertDrained(buf);
    }
}
