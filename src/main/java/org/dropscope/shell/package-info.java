// SPDX-License-Identifier: Apache-2.0
/**
 * The dropwatch-compatible shell: {@link org.dropscope.shell.Shell}, the command loop;
 * {@link org.dropscope.shell.Monitor}, a monitoring session that prints each interval's lines and
 * NET_DM's alerts as they come; {@link org.dropscope.shell.NetDmCommands}, NET_DM's settings
 * commands; {@link org.dropscope.shell.ShellEnd}, how the shell ended, which {@code cli} turns into
 * an exit code.
 *
 * <p>May use {@code source}, {@code view}, {@code aggregate}, {@code event} and {@code names}.
 */
package org.dropscope.shell;
