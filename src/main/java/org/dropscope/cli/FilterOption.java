// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import org.dropscope.filter.FilterException;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.source.SourceFilter;
import picocli.CommandLine.Option;

/**
 * {@code --filter EXPR} of the commands that run a live source ({@code record}, {@code top}): the
 * expression language of docs/filter.md, applied at the source (kernel and reader thread), so
 * that what it rejects is neither counted nor recorded.
 */
final class FilterOption {
    @Option(names = "--filter", paramLabel = "EXPR",
            description = "Keep only the drops EXPR accepts (docs/filter.md), e.g. 'reason == NO_SOCKET &&"
                    + " symbol =~ udp*'. The tracepoint source has the kernel evaluate reason, protocol and symbol"
                    + " terms before it writes a sample; the rest, and everything with NET_DM, is tested as each"
                    + " drop is read.")
    String expression;

    /**
     * Parses the expression, before any kernel resource is opened.
     *
     * @param symbols kallsyms, or {@code null} under {@code -l none}
     * @throws UsageException (one line with the column, exit code 2) if it does not parse
     */
    SourceFilter parse(Symbolizer symbols) {
        try {
            return SourceFilter.parse(expression, symbols);
        } catch (FilterException e) {
            throw new UsageException("--filter: " + e.getMessage());
        }
    }
}
