package io.evloop.internal;

import java.nio.channels.SelectableChannel;

/**
 * A socket whose I/O the C core does (see {@link SocketIo}): besides the failures of its
 * requests it receives completions. Loop thread only.
 */
public abstract class IoRegistration extends Registration {
    protected IoRegistration(int fd, SelectableChannel channel) {
        super(fd, channel, 0);
    }

    /**
     * A completion: {@code kind} is one of the {@link SocketIo} completion bits, {@code result}
     * its count or {@code -errno}, {@code aux} the arena offset of {@link SocketIo#DATA}.
     */
    protected abstract void onCompletion(int kind, int result, long aux);

    /** Readiness is not reported for I/O sockets: the core acts on it itself. */
    @Override
    protected final void onReady(int ready) {}
}
