// SPDX-License-Identifier: Apache-2.0
/**
 * Drops turned into text: dropwatch's lines for interval counts and NET_DM's messages
 * ({@link org.dropscope.view.DropwatchLines}, {@link org.dropscope.view.DropwatchReplies},
 * {@link org.dropscope.view.PacketBlock}); {@code top}'s model, screen and keys
 * ({@link org.dropscope.view.TopModel}, {@link org.dropscope.view.TopScreen},
 * {@link org.dropscope.view.TopControls}, rows chosen by a {@link org.dropscope.view.DropPredicate});
 * and {@link org.dropscope.view.Printable}, through which every printer passes text that came from
 * a file or the kernel. No terminal and no clock: those are {@code cli}'s.
 *
 * <p>May use {@code aggregate}, {@code event}, {@code filter} (top's row filter) and {@code names}.
 */
package org.dropscope.view;
