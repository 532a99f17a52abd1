package io.evloop.bench;

import io.evloop.Backend;
import io.evloop.Binding;
import io.evloop.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.util.Locale;

/**
 * The names of the implementations that the benchmarks compare, as given in their
 * {@code impl} parameter: {@code evloop-<BACKEND>[-<BINDING>]} for evloop, and names such as
 * {@code netty-epoll}, {@code nio-selector}, {@code arraydeque} or {@code stpe} for baselines.
 */
final class Impl {
    static final String EVLOOP_PREFIX = "evloop-";

    private Impl() {}

    static boolean isEvloop(String impl) {
        return impl.startsWith(EVLOOP_PREFIX);
    }

    /** Whether the named implementation can run on this machine and JDK. */
    static boolean isAvailable(String impl) {
        if (isEvloop(impl)) {
            String[] parts = evloopParts(impl);
            return EventLoop.isAvailable(Backend.valueOf(parts[0]), Binding.valueOf(parts[1]));
        }
        switch (impl) {
            case "netty-epoll":
                return Epoll.isAvailable();
            case "netty-kqueue":
                return KQueue.isAvailable();
            case "c":
                return false;  // C figures come from the programs in bench/c, not from JMH
            default:
                return true;
        }
    }

    /**
     * Opens an evloop loop for a name such as {@code evloop-EPOLL-JNA} or {@code evloop-NIO}.
     *
     * @throws IllegalArgumentException if the name is not an evloop implementation
     */
    static EventLoop openEvloop(String impl) {
        String[] parts = evloopParts(impl);
        return EventLoop.builder().name("bench-" + impl)
                .backend(Backend.valueOf(parts[0]))
                .binding(Binding.valueOf(parts[1]))
                .build();
    }

    private static String[] evloopParts(String impl) {
        if (!isEvloop(impl)) {
            throw new IllegalArgumentException("not an evloop implementation: " + impl);
        }
        String[] parts = impl.substring(EVLOOP_PREFIX.length()).toUpperCase(Locale.ROOT)
                .split("-");
        if (parts.length > 2) {
            throw new IllegalArgumentException("expected evloop-<BACKEND>[-<BINDING>]: " + impl);
        }
        return new String[] {parts[0], parts.length == 2 ? parts[1] : "AUTO"};
    }

    static boolean isNetty(String impl) {
        return impl.startsWith("netty-");
    }

    /**
     * A Netty 4.2 group of one loop for {@code netty-epoll}, {@code netty-kqueue} or
     * {@code netty-nio}.
     */
    static MultiThreadIoEventLoopGroup openNetty(String impl) {
        IoHandlerFactory factory;
        switch (impl) {
            case "netty-epoll":
                factory = EpollIoHandler.newFactory();
                break;
            case "netty-kqueue":
                factory = KQueueIoHandler.newFactory();
                break;
            case "netty-nio":
                factory = NioIoHandler.newFactory();
                break;
            default:
                throw new IllegalArgumentException("not a Netty implementation: " + impl);
        }
        return new MultiThreadIoEventLoopGroup(1, factory);
    }

    static IllegalArgumentException unknown(String benchmark, String impl) {
        return new IllegalArgumentException(benchmark + " has no implementation " + impl);
    }
}
