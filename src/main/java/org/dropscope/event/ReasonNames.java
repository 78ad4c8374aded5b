// SPDX-License-Identifier: Apache-2.0
package org.dropscope.event;

/**
 * Turns a source's reason codes into the kernel's names ({@code NO_SOCKET}, {@code SOCKET_RCVBUFF}).
 *
 * <p>Codes mean nothing outside the source that produced them: the tracepoint's numbers come
 * from {@code enum skb_drop_reason} of the running kernel and shift between kernel versions,
 * NET_DM sends names that a source interns into its own codes.
 */
public interface ReasonNames {
    /** Names nothing: for sources that never give a reason. */
    ReasonNames NONE = code -> null;

    /**
     * The kernel's name for {@code code}, without the {@code SKB_DROP_REASON_} prefix, or
     * {@code null} for {@link DropSink#NO_REASON}.
     */
    String name(int code);
}
