// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one comparison's values match, prepared when the filter is compiled so that matching
 * allocates nothing and costs little however many values there are: names in a hash set (a case
 * insensitive tree set for reasons), globs in a list, numbers sorted for a binary search.
 * Reason names lose their {@code SKB_DROP_REASON_} prefix.
 */
final class Words {
    private static final String REASON_PREFIX = "SKB_DROP_REASON_";

    private final boolean glob;
    private final boolean ignoreCase;
    private final String[] globs;
    private final Set<String> names;
    private final long[] numbers;

    private Words(Expr.Compare c, boolean ignoreCase) {
        this.glob = c.op() == Op.MATCH || c.op() == Op.NOT_MATCH;
        this.ignoreCase = ignoreCase;
        List<String> words = new ArrayList<>();
        List<Long> nums = new ArrayList<>();
        for (Expr.Value v : c.values()) {
            if (v.isNumber()) {
                nums.add(v.number());
                continue;
            }
            String w = v.text();
            if (ignoreCase && w.regionMatches(true, 0, REASON_PREFIX, 0, REASON_PREFIX.length())) {
                w = w.substring(REASON_PREFIX.length());
            }
            words.add(w);
        }
        this.globs = glob ? words.toArray(new String[0]) : new String[0];
        this.names = ignoreCase ? new TreeSet<>(String.CASE_INSENSITIVE_ORDER) : new HashSet<>();
        if (!glob) {
            names.addAll(words);
        }
        this.numbers = nums.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The words of {@code c}, compared without regard to case if {@code ignoreCase} (reasons). */
    static Words of(Expr.Compare c, boolean ignoreCase) {
        return new Words(c, ignoreCase);
    }

    /** Whether {@code name} (never null) is one of the names, or matches one of the globs. */
    boolean matches(String name) {
        if (!glob) {
            return names.contains(name);
        }
        for (String g : globs) {
            if (Glob.matches(g, name, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code v} is one of the numbers. */
    boolean hasNumber(long v) {
        return numbers.length != 0 && Arrays.binarySearch(numbers, v) >= 0;
    }
}
