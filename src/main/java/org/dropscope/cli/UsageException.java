// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

/**
 * An option value, or a combination of options, that a command rejects: {@link Failures} prints
 * the message as one line with exit code 2. Only this type means "bad command line"; any other
 * exception that reaches {@link Failures} is a bug, however it is named (an
 * {@link IllegalArgumentException} from decoding a file is not the user's command line).
 */
final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
