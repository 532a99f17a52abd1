package io.evloop.bench;

import io.evloop.Backend;
import io.evloop.Binding;
import io.evloop.EventLoop;
import io.evloop.net.Connection;
import io.evloop.net.ConnectionHandler;
import io.evloop.net.Server;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** The echo servers that EchoBench compares, each on one thread, by the names of its impl. */
final class EchoServers {
    private EchoServers() {}

    /** A running echo server; close stops its thread and socket. */
    interface Running extends AutoCloseable {
        InetSocketAddress address();

        @Override
        void close() throws Exception;
    }

    /** Whether the impl can run here (its backend or library is available). */
    static boolean available(String impl) {
        switch (impl) {
            case "evloop-NIO":
            case "nio-plain":
                return true;
            case "evloop-EPOLL-JNA":
                return EventLoop.isAvailable(Backend.EPOLL, Binding.JNA);
            case "evloop-EPOLL-PANAMA":
                return EventLoop.isAvailable(Backend.EPOLL, Binding.PANAMA);
            case "netty-epoll":
                return Epoll.isAvailable();
            default:
                throw new IllegalArgumentException("unknown impl " + impl);
        }
    }

    static Running start(String impl) throws Exception {
        switch (impl) {
            case "evloop-NIO":
                return evloop(Backend.NIO, Binding.AUTO);
            case "evloop-EPOLL-JNA":
                return evloop(Backend.EPOLL, Binding.JNA);
            case "evloop-EPOLL-PANAMA":
                return evloop(Backend.EPOLL, Binding.PANAMA);
            case "nio-plain":
                return PlainNioEcho.start();
            case "netty-epoll":
                return netty();
            default:
                throw new IllegalArgumentException("unknown impl " + impl);
        }
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static Running evloop(Backend backend, Binding binding) throws IOException {
        EventLoop loop = EventLoop.builder().backend(backend).binding(binding)
                .name("echo-server").build().start();
        Server server = Server.listen(loop, loopback(), () -> new ConnectionHandler() {
            @Override
            public void onData(Connection connection, ByteBuffer data) {
                connection.write(data);
            }
        });
        return new Running() {
            @Override
            public InetSocketAddress address() {
                return (InetSocketAddress) server.localAddress();
            }

            @Override
            public void close() throws Exception {
                server.close().get();
                loop.close();
            }
        };
    }

    private static Running netty() throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Channel channel = new ServerBootstrap().group(group)
                .channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new NettyEcho())
                .bind(loopback()).sync().channel();
        return new Running() {
            @Override
            public InetSocketAddress address() {
                return (InetSocketAddress) channel.localAddress();
            }

            @Override
            public void close() throws Exception {
                channel.close().sync();
                group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            }
        };
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class NettyEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
