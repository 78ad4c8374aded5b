// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import org.dropscope.filter.Expr;

/**
 * What a report is asked for: how to group, which drops to keep.
 *
 * @param groups the row keys, in column order; not empty
 * @param filter a parsed filter expression (docs/filter.md), or {@code null} for every drop
 * @param since keep drops at or after this time, or {@code null}
 * @param until keep drops before this time, or {@code null}
 * @param zone the zone of local times in {@code since} and {@code until}
 */
public record ReportQuery(List<GroupKey> groups, Expr filter, TimeBound since, TimeBound until, ZoneId zone) {
    public ReportQuery {
        groups = List.copyOf(groups);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one --group");
        }
        Objects.requireNonNull(zone, "zone");
    }

    /** Every drop, grouped by {@code groups}. */
    public static ReportQuery of(List<GroupKey> groups) {
        return new ReportQuery(groups, null, null, null, ZoneId.systemDefault());
    }
}
