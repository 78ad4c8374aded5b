// SPDX-License-Identifier: Apache-2.0
/**
 * The vocabulary every source, view and recorder shares: a drop as it is counted
 * ({@link org.dropscope.event.DropSink}, in batches, one writer per thread), as it is recorded
 * ({@link org.dropscope.event.DropEvent}, a reused flyweight, handed to a
 * {@link org.dropscope.event.DropEventSink}), where it was detected
 * ({@link org.dropscope.event.DropOrigin}, the kernel's {@code enum net_dm_origin} of
 * include/uapi/linux/net_dropmon.h), and NET_DM's alerts as the kernel batches them
 * ({@link org.dropscope.event.AlertListener}, {@link org.dropscope.event.PacketDrop}).
 *
 * <p>May use nothing of the project, so that every package may use it.
 */
package org.dropscope.event;
