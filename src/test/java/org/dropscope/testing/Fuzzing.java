// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * What the fuzz targets ({@code *FuzzTest}, docs/fuzzing.md) share: their seeds come from the
 * real fixtures on the test classpath, and decoders of netlink bytes get them in a buffer from
 * the default allocator, checked for a kept or dropped reference afterwards.
 *
 * <p>A target's oracle is its decoder's documented exception: the target catches exactly that,
 * and anything else that escapes (a RuntimeException, an Error, a failed assertion) is a finding.
 *
 */
public final class Fuzzing {

    private Fuzzing() {
    }

    /** The bytes of a test resource ({@code /fixtures/...}, {@code /kallsyms-fixtures/...}); .gz unpacked. */
    public static byte[] resource(String path) {
        try (InputStream raw = Fuzzing.class.getResourceAsStream(path)) {
            if (raw == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            InputStream in = path.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code max} bytes of a test resource: seeds stay small, so that mutating them is fast. */
    public static byte[] resource(String path, int max) {
        byte[] all = resource(path);
        return all.length <= max ? all : Arrays.copyOf(all, max);
    }

    /** UTF-8 bytes of {@code text}. */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The concatenation of {@code parts}. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Hands {@code data} to {@code decode} in a direct buffer of the default allocator (which the
     * build's paranoid leak detector tracks) and checks afterwards that the decoder neither kept
     * nor released a reference of it: releasing it once frees it.
     */
    public static void inBuffer(byte[] data, Consumer<ByteBuf> decode) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, data.length)).writeBytes(data);
        try {
            decode.accept(buf);
        } finally {
            assertEquals(1, buf.refCnt(), "the decoder kept or dropped a reference of its input");
            assertTrue(buf.release());
        }
    }
}
