// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

/**
 * Shell-style globs over whole names: {@code *} is any run of characters, {@code ?} any one
 * character, everything else itself (the kernel's {@code glob_match()}, lib/glob.c, without
 * character classes). Matching allocates nothing.
 */
public final class Glob {
    private Glob() {
    }

    /** Whether {@code pattern} matches all of {@code s}: iterative, backtracking to the last star. */
    public static boolean matches(String pattern, String s) {
        return matches(pattern, s, false);
    }

    /** {@link #matches(String, String)}, comparing upper-cased characters if {@code ignoreCase}. */
    public static boolean matches(String pattern, String s, boolean ignoreCase) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || same(pattern.charAt(p), s.charAt(i), ignoreCase))) {
                p++;
                i++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static boolean same(char a, char b, boolean ignoreCase) {
        return a == b || ignoreCase && Character.toUpperCase(a) == Character.toUpperCase(b);
    }
}
