// SPDX-License-Identifier: Apache-2.0
/**
 * The daemon protocol's frames (docs/daemon-protocol.md): length-prefixed, typed, versioned
 * through the HELLO each side sends first. One decoder, {@link org.dropscope.daemon.wire.FrameDecoder},
 * and one encoder, {@link org.dropscope.daemon.wire.FrameEncoder}, over Netty ByteBufs, with no I/O
 * of their own; the messages are the records of {@link org.dropscope.daemon.wire.Message}, their
 * types the open enum {@link org.dropscope.daemon.wire.MessageType}. A frame that breaks the format
 * is a {@link org.dropscope.daemon.wire.WireFormatException} naming its offset in the stream.
 *
 * <p>May use Netty ({@code io.netty.buffer}), and nothing of the project: the frames carry
 * record-file bytes, but as bytes.
 */
package org.dropscope.daemon.wire;
