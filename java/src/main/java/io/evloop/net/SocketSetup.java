package io.evloop.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Opening channels for an address and applying {@link NetOptions} to them. */
final class SocketSetup {
    private SocketSetup() {}

    static SocketChannel openStream(SocketAddress address) throws IOException {
        return address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
    }

    static ServerSocketChannel openServer(SocketAddress address) throws IOException {
        return address instanceof UnixDomainSocketAddress
                ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                : ServerSocketChannel.open();
    }

    /** Applies the options of a connected or connecting stream socket. */
    static void applyStream(NetworkChannel channel, NetOptions options) throws IOException {
        set(channel, StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay);
        set(channel, StandardSocketOptions.SO_KEEPALIVE, options.keepAlive);
        applyBuffers(channel, options);
    }

    /**
     * Applies the options of a listening or datagram socket; before bind. SO_REUSEPORT is set
     * when the options ask for it or {@code reusePort} does (a group's per-loop listeners).
     */
    static void applyBound(NetworkChannel channel, NetOptions options, boolean reusePort)
            throws IOException {
        set(channel, StandardSocketOptions.SO_REUSEADDR, options.reuseAddress);
        if (options.reusePort || reusePort) {
            set(channel, StandardSocketOptions.SO_REUSEPORT, Boolean.TRUE);
        }
        applyBuffers(channel, options);
    }

    static boolean supportsReusePort(NetworkChannel channel) {
        return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
    }

    private static void applyBuffers(NetworkChannel channel, NetOptions options)
            throws IOException {
        if (options.receiveBufferSize > 0) {
            set(channel, StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize);
        }
        if (options.sendBufferSize > 0) {
            set(channel, StandardSocketOptions.SO_SNDBUF, options.sendBufferSize);
        }
    }

    private static <T> void set(NetworkChannel channel, SocketOption<T> option, T value)
            throws IOException {
        if (value != null && channel.supportedOptions().contains(option)) {
            channel.setOption(option, value);
        }
    }
}
