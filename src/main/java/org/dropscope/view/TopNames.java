// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.util.List;
import org.dropscope.event.DropOrigin;

/** What {@code top} calls an aggregator key's parts: functions, reasons, call chains. */
public interface TopNames {
    /**
     * The function a drop location is in ({@code __udp4_lib_rcv}), a hardware drop's trap, or
     * the location in hex when nothing resolves it; never {@code null}.
     */
    String symbol(DropOrigin origin, long location);

    /** The reason's name, or {@code null} for a drop without a reason. */
    String reason(int code);

    /**
     * The call chain of stack {@code id}, innermost frame first, one function name a frame; an
     * empty list for drops counted without a stack.
     */
    List<String> stack(int id);
}
