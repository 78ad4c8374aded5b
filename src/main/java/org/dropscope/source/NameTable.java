// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dropscope.event.ReasonNames;

/**
 * Interns names the kernel sends as text (NET_DM's drop reasons, devlink trap names) into small
 * codes, so that they can be aggregator keys. Thread-safe; codes are never reused.
 */
public final class NameTable implements ReasonNames {
    private final Map<String, Integer> codes = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();

    /** The code of {@code name}, assigning the next one on first sight. */
    public int codeOf(String name) {
        Integer code = codes.get(name);
        if (code != null) {
            return code;
        }
        synchronized (names) {
            return codes.computeIfAbsent(name, n -> {
                names.add(n);
                return names.size() - 1;
            });
        }
    }

    @Override
    public String name(int code) {
        synchronized (names) {
            return code >= 0 && code < names.size() ? names.get(code) : null;
        }
    }
}
