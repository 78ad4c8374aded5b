// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.dropscope.record.HostFacts;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.SourceKind;

/**
 * What an open source says about itself to whoever keeps its events: everything a record file's
 * header needs from the source (docs/file-format.md), so that a recorder never asks which class
 * the source is. Immutable.
 *
 * @param kind which kernel interface the events come from
 * @param description the source's one-line description, as the shell prints it
 * @param cpus number of CPU ids events may name
 * @param clock the clock event times are on
 * @param tracepointFormat the tracepoint's {@code format} file verbatim (its field layout and
 *     reason table), or {@code null} for a source without one (NET_DM)
 * @param properties further facts in order, e.g. NET_DM's family version and configuration
 */
public record SourceFacts(SourceKind kind, String description, int cpus, EventClock clock, String tracepointFormat,
        Map<String, String> properties) {
    /** The values a header checks are checked there; the properties are copied, in order. */
    public SourceFacts {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(clock, "clock");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * The header of a recording of this source that starts now: the clock read together with
     * wall-clock time (the anchor that turns event times into dates).
     *
     * @param host the machine's facts
     * @param filter the filter expression the recording applies, or {@code null}
     * @param extraCpus CPU ids the recording adds to the source's (a daemon's gap CPU), usually 0
     * @param extraProperties facts the recorder adds after the source's
     */
    public RecordHeader recordHeader(HostFacts host, String filter, int extraCpus,
            Map<String, String> extraProperties) {
        long clockNanos = clock.nanos();
        Instant now = Instant.now();
        RecordHeader.Clock anchor = new RecordHeader.Clock(clock.id(), clockNanos,
                now.getEpochSecond() * 1_000_000_000L + now.getNano());
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.putAll(extraProperties);
        return new RecordHeader(host.kernelRelease(), host.hostname(), host.bootId(), kind, description,
                tracepointFormat, anchor, cpus + extraCpus, filter, all);
    }
}
