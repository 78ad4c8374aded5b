// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code dropscope} command: one picocli class per subcommand ({@code shell}, {@code top},
 * {@code record}, {@code report}, {@code replay}, {@code dump}), output through the command's
 * writers ({@link org.dropscope.cli.CheckedWriter} keeps a failed write's cause), the terminal
 * (JLine), signals ({@link org.dropscope.cli.Signals}), one-line errors ({@link
 * org.dropscope.cli.Failures}) and the exit codes ({@link org.dropscope.cli.ExitCodes}, README.md's
 * table). Only here may code print to standard output or error.
 *
 * <p>May use every package of the project, picocli ({@code picocli}), JLine ({@code org.jline}) and
 * {@code sun.misc} (signal handlers for SIGINT and SIGTERM).
 */
package org.dropscope.cli;
