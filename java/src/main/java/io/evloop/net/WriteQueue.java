package io.evloop.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The writes of one stream connection that did not fit into the socket yet, in order. A flush
 * hands up to {@link #MAX_GATHER} of them to one gathering write (writev), so a backlog of
 * small writes costs one system call. Loop thread only, except {@link #pendingBytes()}.
 */
final class WriteQueue {
    /** Well below IOV_MAX (1024 on Linux); more buffers per call gain nothing measurable. */
    private static final int MAX_GATHER = 64;

    private final ArrayDeque<PendingWrite> queue = new ArrayDeque<>();
    private ByteBuffer[] gather;
    private volatile long pending;

    boolean isEmpty() {
        return queue.isEmpty();
    }

    long pendingBytes() {
        return pending;
    }

    void add(ByteBuffer data, NetFuture<Void> future) {
        queue.add(new PendingWrite(data, future, null));
        pending += data.remaining();
    }

    /** Writes as much as the socket takes; returns the bytes written. */
    long writeTo(GatheringByteChannel channel) throws IOException {
        int count = Math.min(queue.size(), MAX_GATHER);
        long written;
        if (count == 1) {
            written = channel.write(queue.peek().data);
        } else {
            if (gather == null) {
                gather = new ByteBuffer[MAX_GATHER];
            }
            int i = 0;
            for (PendingWrite w : queue) {
                if (i == count) {
                    break;
                }
                gather[i++] = w.data;
            }
            try {
                written = channel.write(gather, 0, count);
            } finally {
                Arrays.fill(gather, 0, count, null);
            }
        }
        pending -= written;
        return written;
    }

    /** Removes the head if all its bytes left, or returns null. */
    PendingWrite pollDone() {
        PendingWrite head = queue.peek();
        if (head == null || head.data.hasRemaining()) {
            return null;
        }
        return queue.poll();
    }

    /** Fails and removes every pending write. */
    void failAll(Throwable cause) {
        PendingWrite w;
        pending = 0;
        while ((w = queue.poll()) != null) {
            w.future.completeExceptionally(cause);
        }
    }
}
