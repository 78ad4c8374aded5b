// SPDX-License-Identifier: Apache-2.0
/**
 * What the running kernel says about its {@code skb:kfree_skb} tracepoint through tracefs: where
 * tracefs is, or a private detached mount of it made through a {@link org.dropscope.tracefs.Mounter}
 * the caller gives ({@link org.dropscope.tracefs.Tracefs}); the event's {@code format} file
 * (Documentation/trace/events.rst, "Event formats") as a {@link org.dropscope.tracefs.TracepointFormat};
 * the raw record's layout ({@link org.dropscope.tracefs.KfreeSkbLayout}, include/trace/events/skb.h)
 * and the kernel's drop-reason names ({@link org.dropscope.tracefs.DropReasons},
 * {@code enum skb_drop_reason}, include/net/dropreason-core.h) from its {@code print fmt}.
 *
 * <p>May use nothing of the project: its parsers read what they are handed, and a mount is made by
 * whoever passes the Mounter.
 */
package org.dropscope.tracefs;
