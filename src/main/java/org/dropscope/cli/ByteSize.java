// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size as typed for an option such as {@code --max-bytes}: a whole number of bytes with an
 * optional binary unit, {@code 1G}, {@code 512M}, {@code 64k}, {@code 1GiB}; or, where a share
 * is allowed, a percentage, {@code 5%}.
 */
final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([kmgt]?)(i?b)?");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,2})\\s*%");

    private ByteSize() {
    }

    /**
     * Bytes.
     *
     * @throws UsageException one line naming the option and the value
     */
    static long parse(String option, String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException(option + ": cannot read the size '" + text + "' (expected bytes with an optional"
                    + " unit k, M, G or T of 1024s, e.g. 1G, 512M, 65536)");
        }
        int shift = m.group(2).isEmpty() ? 0 : "kmgt".indexOf(m.group(2)) + 1;
        try {
            long n = Long.parseLong(m.group(1));
            if (shift > 0 && n > Long.MAX_VALUE >> (10 * shift)) {
                throw new NumberFormatException();
            }
            return n << (10 * shift);
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": the size '" + text + "' is too large");
        }
    }

    /** A percentage 0 to 99 if {@code text} is one ({@code 5%}), else -1. */
    static int percent(String text) {
        Matcher m = PERCENT.matcher(text.trim());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
