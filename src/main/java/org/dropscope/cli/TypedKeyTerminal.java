// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingReader;

/**
 * A JLine {@link Terminal} that is another one in everything (output, size, signals, modes)
 * but where keys come from: its {@link Terminal#reader()} is a {@link TypedKeyReader}, and its
 * raw mode is {@link TypedKeys#blockingRawMode}, so that the {@code dropscope-keys} thread
 * waits in read(2) for a key while the line editor waits on its queue. Made with a
 * {@link Proxy}: JLine's system terminal cannot be given another reader, and the interface has
 * dozens of methods that only pass on.
 */
final class TypedKeyTerminal implements InvocationHandler {
    private final Terminal terminal;
    private final NonBlockingReader reader;

    private TypedKeyTerminal(Terminal terminal, NonBlockingReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    /** {@code terminal} reading its keys from {@code keys}. */
    static Terminal over(Terminal terminal, TypedKeys keys) {
        return (Terminal) Proxy.newProxyInstance(Terminal.class.getClassLoader(), new Class<?>[] {Terminal.class},
                new TypedKeyTerminal(terminal, new TypedKeyReader(keys)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getParameterCount() == 0) {
            if (method.getName().equals("reader")) {
                return reader;
            }
            if (method.getName().equals("enterRawMode")) {
                return TypedKeys.blockingRawMode(terminal);
            }
        }
        try {
            return method.invoke(terminal, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
