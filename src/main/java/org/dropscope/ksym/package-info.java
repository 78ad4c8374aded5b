// SPDX-License-Identifier: Apache-2.0
/**
 * Kernel symbol resolution: drop PCs from the {@code skb:kfree_skb} tracepoint or NET_DM turned
 * into {@code function+offset}.
 *
 * <ul>
 *   <li>{@link org.dropscope.ksym.KallsymsParser} reads kallsyms text as bytes from any
 *       {@link java.io.InputStream} (or a {@link java.io.Reader}, encoded); text symbols only,
 *       what is kept and why is documented there;</li>
 *   <li>{@link org.dropscope.ksym.SymbolTable} holds the result sorted once in parallel arrays,
 *       the names as bytes in one array, and answers {@code indexOf(pc)} without allocating,
 *       with capped symbol sizes;</li>
 *   <li>{@link org.dropscope.ksym.KernelSymbol} formats a hit as dropwatch or as the kernel's
 *       {@code %pS} prints it;</li>
 *   <li>{@link org.dropscope.ksym.Symbolizer} caches results for the views and reloads when
 *       /proc/modules changes;</li>
 *   <li>{@link org.dropscope.ksym.Kallsyms} is the only class that touches /proc.</li>
 * </ul>
 *
 * <p>Lessons taken from dropwatch's history (nhorman/dropwatch issue #72, PR #74): kallsyms is not
 * always sorted; data symbols must not win; an offset without a bound produces nonsense such as
 * {@code __brk_limit+1e6c5938}; a file re-read on every miss is slow.
 *
 * <p>May use {@code names}: a resolved symbol is handed on as the naming service's answer.
 */
package org.dropscope.ksym;
