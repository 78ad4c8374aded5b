// SPDX-License-Identifier: Apache-2.0
/**
 * What a drop is called: the one naming service every view ({@code top}, the shell's dropwatch
 * lines, {@code report}), the recorder and the filter ask about the numbers a drop carries.
 *
 * <ul>
 *   <li>{@link org.dropscope.names.DropNames} is the question: the symbol of a location (its
 *       name, or name, module and offset), the name of a reason code and of a hardware drop's trap
 *       id, the frames of a stack id;</li>
 *   <li>{@link org.dropscope.names.Symbol} and {@link org.dropscope.names.Location} are the answers
 *       for addresses: names and an offset, as the kernel's {@code %pS} prints them, never a symbol
 *       table, so that names can be served to a process that has no kallsyms (a daemon's client);</li>
 *   <li>{@link org.dropscope.names.NameBook} is the implementation made of names alone: reasons and
 *       traps a source meets as text (NET_DM) and counts under small codes.</li>
 * </ul>
 * The live implementation ({@code source.LiveNames}: kallsyms, the source's tables, the
 * aggregator's stack table) and the recorded one ({@code record.RecordNames}: a record file's
 * symbol, stack and name records) live with what they read.
 *
 * <p>May use nothing of the project, so that every package that names drops may use it.
 */
package org.dropscope.names;
