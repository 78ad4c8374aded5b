// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.BitSet;

/**
 * Parses the kernel's CPU list format, as in {@code /sys/devices/system/cpu/online}:
 * {@code 0-3,8,10-11} (Documentation/ABI/testing/sysfs-devices-system-cpu, "cpulist").
 */
public final class CpuList {
    private CpuList() {
    }

    /** The CPU ids listed; a malformed list is an IOException naming the text. */
    public static int[] parse(Reader in) throws IOException {
        String text = new BufferedReader(in).readLine();
        if (text == null || text.isBlank()) {
            throw new IOException("empty CPU list");
        }
        BitSet cpus = new BitSet();
        for (String part : text.trim().split(",")) {
            String[] range = part.split("-", -1);
            try {
                int lo = Integer.parseInt(range[0]);
                int hi = range.length == 2 ? Integer.parseInt(range[1]) : lo;
                if (range.length > 2 || lo < 0 || hi < lo || hi > 65535) {
                    throw new NumberFormatException(part);
                }
                cpus.set(lo, hi + 1);
            } catch (NumberFormatException e) {
                throw new IOException("malformed CPU list \"" + text.trim() + "\" at \"" + part + "\"", e);
            }
        }
        return cpus.stream().toArray();
    }
}
