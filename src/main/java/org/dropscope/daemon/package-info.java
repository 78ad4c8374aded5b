// SPDX-License-Identifier: Apache-2.0
/**
 * The dropscope daemon and its clients (docs/daemon-protocol.md): {@link org.dropscope.daemon.Daemon}
 * owns one kernel source and serves any number of clients over a unix socket, each with its own
 * record-format stream ({@link org.dropscope.daemon.ClientStream}) behind a bounded queue
 * ({@link org.dropscope.daemon.ClientQueue}), fed by one {@link org.dropscope.daemon.FanOut} on the
 * source's reader thread; {@link org.dropscope.daemon.DaemonClient} and
 * {@link org.dropscope.daemon.StreamSource} are the client side, the stream as a
 * {@code DropSource}. {@link org.dropscope.daemon.FlightRecorder} is the flight recorder: the
 * drops into rotated, retained segment files.
 *
 * <p>May use {@code daemon.wire}, {@code source}, {@code aggregate}, {@code event}, {@code record},
 * {@code ksym}, {@code names}, {@code nativeio}, {@code io}, Netty ({@code io.netty.buffer}).
 */
package org.dropscope.daemon;
