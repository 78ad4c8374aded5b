// SPDX-License-Identifier: Apache-2.0
package org.dropscope.pcap;

import java.io.IOException;

/** A pcap file that is not what it should be: the message says where and what was expected. */
public final class PcapFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public PcapFormatException(String message) {
        super(message);
    }
}
