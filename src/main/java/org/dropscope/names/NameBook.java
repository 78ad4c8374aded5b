// SPDX-License-Identifier: Apache-2.0
package org.dropscope.names;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names a source meets as text and counts under small codes, so that they can be aggregator keys
 * (NET_DM sends drop reasons and devlink trap names as strings), and the {@link DropNames} of
 * those codes: the implementation made of names alone. Reason codes and trap ids each count up
 * from 0 in the order the names first appear and are never reused. Thread-safe.
 */
public final class NameBook implements DropNames {
    private final Codes reasons = new Codes();
    private final Codes traps = new Codes();

    /** The code of reason {@code name}, assigning the next one on first sight. */
    public int reasonCode(String name) {
        return reasons.codeOf(name);
    }

    /** The id of trap {@code name}, assigning the next one on first sight. */
    public int trapId(String name) {
        return traps.codeOf(name);
    }

    @Override
    public String reason(int code) {
        return reasons.name(code);
    }

    @Override
    public String trap(int id) {
        return traps.name(id);
    }

    /** One kind of name and its codes. */
    private static final class Codes {
        private final Map<String, Integer> codes = new ConcurrentHashMap<>();
        private final List<String> names = new ArrayList<>();

        int codeOf(String name) {
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

        String name(int code) {
            synchronized (names) {
                return code >= 0 && code < names.size() ? names.get(code) : null;
            }
        }
    }
}
