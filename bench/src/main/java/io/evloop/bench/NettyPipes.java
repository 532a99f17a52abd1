package io.evloop.bench;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The Netty side of {@link ReadyDispatchBench}: pipes that hold one unread byte, registered as
 * raw {@link EpollIoHandle}s on a Netty 4.2 epoll loop of their own, counting events.
 */
final class NettyPipes implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup group = Impl.openNetty("netty-epoll");
    private final List<FileDescriptor[]> pipes = new ArrayList<>();
    /** Written by the loop thread only; lazySet keeps the count cheap to publish. */
    private final AtomicLong events = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile Thread waiter;

    NettyPipes(int count) throws Exception {
        IoEventLoop loop = (IoEventLoop) group.next();
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        one.put(0, (byte) 1);
        for (int i = 0; i < count; i++) {
            FileDescriptor[] pipe = FileDescriptor.pipe();
            pipes.add(pipe);
            if (pipe[1].write(one, 0, 1) != 1) {
                throw new IllegalStateException("could not write to a pipe");
            }
            IoRegistration registration = loop.register(new Handle(pipe[0])).sync().getNow();
            loop.submit(() -> registration.submit(EpollIoOps.EPOLLIN)).sync();
        }
    }

    /** Waits until the loop has dispatched {@code count} more events. */
    void awaitEvents(int count) {
        long goal = events.get() + count;
        target = goal;
        while (events.get() < goal) {
            waiter = Thread.currentThread();
            if (events.get() >= goal) {
                break;
            }
            LockSupport.park(this);
        }
        waiter = null;
    }

    private void onEvent() {
        long n = events.get() + 1;
        events.lazySet(n);
        if (n >= target) {
            Thread w = waiter;
            if (w != null) {
                waiter = null;
                LockSupport.unpark(w);
            }
        }
    }

    @Override
    public void close() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (FileDescriptor[] pipe : pipes) {
            pipe[0].close();
            pipe[1].close();
        }
    }

    private final class Handle implements EpollIoHandle {
        private final FileDescriptor fd;

        Handle(FileDescriptor fd) {
            this.fd = fd;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            onEvent();
        }

        @Override
        public void close() {
            // The pipes are closed by NettyPipes.close(), after the loop has stopped.
        }
    }
}
