// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

import java.util.List;
import org.dropscope.testing.FuzzTarget;

/**
 * Fuzz target: a connection's bytes through {@link FrameDecoder} (frame limit 4 KiB), frame after
 * frame. Oracle ({@link FrameDecoderRandomTest#decodeAll}): only {@link WireFormatException}; no
 * byte outside the input touched; the input neither kept nor released; every decoded message
 * encodes back to an equal one.
 */
public class DaemonWireFuzzTest extends FuzzTarget {
    private static final int MAX_FRAME = 4096;

    @Override
    public List<byte[]> seeds() {
        return FrameDecoderRandomTest.seeds();
    }

    @Override
    public void fuzzOne(byte[] data) {
        FrameDecoderRandomTest.decodeAll(data, MAX_FRAME);
    }
}
