package io.evloop;

import java.lang.reflect.Method;
import java.nio.channels.SelectableChannel;

/**
 * The file descriptor behind a JDK channel, for the native backends. The JDK keeps it behind
 * {@code sun.nio.ch.SelChImpl.getFDVal()}, which is reachable only when the application opens
 * that package to evloop ({@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}); there is no
 * public way to get it.
 */
final class ChannelFd {
    private static final Method GET_FD = find();

    private ChannelFd() {}

    private static Method find() {
        try {
            return Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static int of(SelectableChannel channel) {
        if (GET_FD != null && GET_FD.getDeclaringClass().isInstance(channel)) {
            try {
                return (Integer) GET_FD.invoke(channel);
            } catch (IllegalAccessException e) {
                // Not exported to us: explained below.
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read the descriptor of " + channel, e);
            }
        }
        throw new UnsupportedOperationException("cannot watch " + channel + " on a native "
                + "backend: its descriptor is reachable only with the JVM option "
                + "--add-exports java.base/sun.nio.ch=ALL-UNNAMED; watch its fd, or use "
                + "Backend.NIO");
    }
}
