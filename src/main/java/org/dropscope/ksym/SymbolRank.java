// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

/**
 * Which name wins when kallsyms lists several text symbols at one address.
 *
 * <p>A 6.18 x86_64 kernel has about 150 such groups, e.g. {@code memcpy}, {@code __memcpy} and
 * {@code __pi_memcpy}; or {@code t __do_sys_getpid}, {@code T __x64_sys_getpid} and
 * {@code T __ia32_sys_getpid}; or {@code T _stext}, {@code T _text} and the function placed
 * first in .text. The winner is the first difference in this order:
 * <ol>
 *   <li><b>Not a linker-script marker.</b> {@code _text}, {@code _stext}, {@code _etext},
 *       {@code _sinittext}, {@code _einittext} and {@code __*_text_start}/{@code __*_text_end}
 *       bound sections and are typed {@code T}, but name no function. Only exact names and that
 *       pattern count: {@code __start_tty} and {@code __stop_tty} are real functions.</li>
 *   <li><b>Global over local, strong over weak</b>: {@code T}, then {@code t}, then {@code W},
 *       then {@code w}. A weak symbol is usually a {@code __weak} default aliased to the real
 *       function ({@code W cpu_show_ghostwrite} at {@code t cpu_show_not_affected}); the
 *       kernel's scripts/kallsyms.c also sorts weak aliases last.</li>
 *   <li><b>Not a {@code __pi_} alias</b>: position-independent copies of startup code
 *       ({@code __pi_memcpy}).</li>
 *   <li><b>Fewer leading underscores</b> ({@code memcpy} over {@code __memcpy}).</li>
 *   <li><b>Shorter name</b> ({@code __x86_indirect_thunk_rax} over
 *       {@code __x86_indirect_thunk_array}).</li>
 *   <li><b>Lexicographic order</b>, so the result never depends on the order of the input.</li>
 * </ol>
 */
final class SymbolRank {
    private SymbolRank() {
    }

    /** Negative when symbol {@code a} should win over {@code b}, positive when {@code b} should. */
    static int compare(char typeA, String nameA, char typeB, String nameB) {
        int c = Boolean.compare(isLinkerMarker(nameA), isLinkerMarker(nameB));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(typeRank(typeA), typeRank(typeB));
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(nameA.startsWith("__pi_"), nameB.startsWith("__pi_"));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(leadingUnderscores(nameA), leadingUnderscores(nameB));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(nameA.length(), nameB.length());
        return c != 0 ? c : nameA.compareTo(nameB);
    }

    /** True for section-boundary symbols that the linker script, not the code, defines. */
    static boolean isLinkerMarker(String name) {
        switch (name) {
            case "_text":
            case "_stext":
            case "_etext":
            case "_sinittext":
            case "_einittext":
                return true;
            default:
                return name.startsWith("__") && (name.endsWith("_text_start") || name.endsWith("_text_end"));
        }
    }

    private static int typeRank(char type) {
        switch (type) {
            case 'T':
                return 0;
            case 't':
                return 1;
            case 'W':
                return 2;
            default:
                return 3;
        }
    }

    private static int leadingUnderscores(String name) {
        int n = 0;
        while (n < name.length() && name.charAt(n) == '_') {
            n++;
        }
        return n;
    }
}
