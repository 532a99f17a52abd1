package io.evloop.net;

import java.time.Duration;
import java.util.Objects;

/**
 * Socket options and buffering limits for servers, clients and datagram sockets. Immutable and
 * thread-safe; build one with {@link #builder()}. An option the socket's kind does not support
 * (TCP_NODELAY on a Unix domain socket, for example) is skipped, not an error; an option that
 * is left unset keeps the operating system's default.
 */
public final class NetOptions {
    private static final NetOptions DEFAULTS = builder().build();

    final Boolean tcpNoDelay;
    final Boolean keepAlive;
    final Boolean reuseAddress;
    final boolean reusePort;
    final int receiveBufferSize;
    final int sendBufferSize;
    final int backlog;
    final Duration connectTimeout;
    final int highWatermark;
    final int lowWatermark;

    private NetOptions(Builder b) {
        tcpNoDelay = b.tcpNoDelay;
        keepAlive = b.keepAlive;
        reuseAddress = b.reuseAddress;
        reusePort = b.reusePort;
        receiveBufferSize = b.receiveBufferSize;
        sendBufferSize = b.sendBufferSize;
        backlog = b.backlog;
        connectTimeout = b.connectTimeout;
        highWatermark = b.highWatermark;
        lowWatermark = b.lowWatermark;
    }

    /** The defaults: TCP_NODELAY on, backlog 1024, connect timeout 30 s, watermarks 64/32 KiB. */
    public static NetOptions defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether TCP_NODELAY is asked for (null: the system default). */
    public Boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    /** Whether SO_KEEPALIVE is asked for (null: the system default). */
    public Boolean keepAlive() {
        return keepAlive;
    }

    /** Whether SO_REUSEADDR is asked for (null: the system default). */
    public Boolean reuseAddress() {
        return reuseAddress;
    }

    /** Whether SO_REUSEPORT is set on listening and datagram sockets. */
    public boolean reusePort() {
        return reusePort;
    }

    /** SO_RCVBUF in bytes, or 0 for the system default. */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** SO_SNDBUF in bytes, or 0 for the system default. */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** The listen backlog; the kernel caps it (somaxconn on Linux). */
    public int backlog() {
        return backlog;
    }

    /** How long a connect may take before its future fails. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Pending write bytes above which a connection reports itself not writable. */
    public int highWatermark() {
        return highWatermark;
    }

    /** Pending write bytes at or below which a connection is writable again. */
    public int lowWatermark() {
        return lowWatermark;
    }

    @Override
    public String toString() {
        return "NetOptions[nodelay=" + tcpNoDelay + ", keepalive=" + keepAlive + ", reuseaddr="
                + reuseAddress + ", reuseport=" + reusePort + ", rcvbuf=" + receiveBufferSize
                + ", sndbuf=" + sendBufferSize + ", backlog=" + backlog + ", connectTimeout="
                + connectTimeout + ", watermarks=" + lowWatermark + "/" + highWatermark + "]";
    }

    /** Settings for {@link NetOptions}; not thread-safe. */
    public static final class Builder {
        private Boolean tcpNoDelay = Boolean.TRUE;
        private Boolean keepAlive;
        private Boolean reuseAddress;
        private boolean reusePort;
        private int receiveBufferSize;
        private int sendBufferSize;
        private int backlog = 1024;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private int highWatermark = 64 * 1024;
        private int lowWatermark = 32 * 1024;

        private Builder() {}

        /** TCP_NODELAY (default on: small writes leave at once). */
        public Builder tcpNoDelay(boolean on) {
            tcpNoDelay = on;
            return this;
        }

        /** SO_KEEPALIVE. */
        public Builder keepAlive(boolean on) {
            keepAlive = on;
            return this;
        }

        /** SO_REUSEADDR. */
        public Builder reuseAddress(boolean on) {
            reuseAddress = on;
            return this;
        }

        /** SO_REUSEPORT on listening and datagram sockets, where the system has it. */
        public Builder reusePort(boolean on) {
            reusePort = on;
            return this;
        }

        /** SO_RCVBUF in bytes; 0 keeps the system default. */
        public Builder receiveBufferSize(int bytes) {
            receiveBufferSize = nonNegative(bytes, "receiveBufferSize");
            return this;
        }

        /** SO_SNDBUF in bytes; 0 keeps the system default. */
        public Builder sendBufferSize(int bytes) {
            sendBufferSize = nonNegative(bytes, "sendBufferSize");
            return this;
        }

        /** The listen backlog; must be positive. */
        public Builder backlog(int backlog) {
            if (backlog <= 0) {
                throw new IllegalArgumentException("backlog must be positive: " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /** The connect timeout; must be positive. */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + timeout);
            }
            connectTimeout = timeout;
            return this;
        }

        /**
         * The write watermarks in bytes: a connection turns not writable when its pending bytes
         * exceed {@code high}, and writable again when they fall to {@code low}.
         *
         * @throws IllegalArgumentException unless {@code 0 <= low <= high} and {@code high > 0}
         */
        public Builder watermarks(int low, int high) {
            if (low < 0 || high <= 0 || low > high) {
                throw new IllegalArgumentException("watermarks need 0 <= low <= high, high > 0: "
                        + "low " + low + ", high " + high);
            }
            lowWatermark = low;
            highWatermark = high;
            return this;
        }

        /** The options. */
        public NetOptions build() {
            return new NetOptions(this);
        }

        private static int nonNegative(int value, String name) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }
    }
}
