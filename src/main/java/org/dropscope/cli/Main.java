// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

/** Entry point of the {@code dropscope} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(DropscopeCommand.execute(DropscopeCommand.newCommandLine(), args));
    }
}
