// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code /proc/self/mounts} and {@code /proc/filesystems}, the two kernel tables
 * {@link Tracefs} needs to find or mount tracefs.
 *
 * <p>{@code /proc/self/mounts} has one mount per line in fstab(5) form:
 * {@code source target fstype options dump pass}, with space, tab, newline and backslash in
 * paths written as the octal escapes {@code \040 \011 \012 \134} (proc(5)). {@code
 * /proc/filesystems} lists one filesystem type per line, optionally preceded by {@code nodev}
 * and a tab (proc(5)).
 */
final class MountTable {
    /**
     * One line of {@code /proc/self/mounts}.
     *
     * @param source the mounted device or pseudo-source (e.g. {@code nodev}, {@code tracefs})
     * @param target the mount point, unescaped
     * @param fstype the filesystem type (e.g. {@code tracefs}, {@code debugfs})
     */
    record Entry(String source, String target, String fstype) {
    }

    private MountTable() {
    }

    /**
     * Parses the mount table. Lines with fewer than three fields are skipped: the kernel never
     * writes them, and a partial last line can only come from a truncated copy.
     *
     * @param reader the text of {@code /proc/self/mounts}; read to the end, not closed
     * @return the mounts in table order (later mounts last)
     * @throws IOException if reading fails
     */
    static List<Entry> parseMounts(Reader reader) throws IOException {
        BufferedReader in = reader instanceof BufferedReader
                ? (BufferedReader) reader : new BufferedReader(reader);
        List<Entry> entries = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.strip().split("[ \t]+");
            if (f.length >= 3) {
                entries.add(new Entry(unescape(f[0]), unescape(f[1]), unescape(f[2])));
            }
        }
        return entries;
    }

    /**
     * Parses the list of filesystem types the kernel supports.
     *
     * @param reader the text of {@code /proc/filesystems}; read to the end, not closed
     * @return the type names, without the {@code nodev} marker
     * @throws IOException if reading fails
     */
    static Set<String> parseFilesystems(Reader reader) throws IOException {
        BufferedReader in = reader instanceof BufferedReader
                ? (BufferedReader) reader : new BufferedReader(reader);
        Set<String> types = new HashSet<>();
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.strip().split("[ \t]+");
            String type = f[f.length - 1];
            if (!type.isEmpty() && !type.equals("nodev")) {
                types.add(type);
            }
        }
        return types;
    }

    /** Undoes the kernel's octal escaping of mount table fields ({@code \040} is a space). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
