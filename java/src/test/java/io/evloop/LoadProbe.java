package io.evloop;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The main class of the child JVMs that {@link NativeLoadingTest} starts, and of the jar smoke
 * test in {@code .ci/cross.sh}: a fresh JVM is needed because the outcome of loading the
 * library is kept for the life of a JVM. Prints one "question=answer" line per question.
 */
public final class LoadProbe {
    private LoadProbe() {}

    public static void main(String[] args) throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            System.out.println("auto=" + loop.backend());
            System.out.println("binding=" + loop.binding().map(Enum::name).orElse("none"));
            System.out.println("io=" + pipeRoundTrip(loop.start()));
        } catch (RuntimeException e) {
            System.out.println("auto=failed: " + e);
            return;
        }
        for (Backend backend : new Backend[] {Backend.EPOLL, Backend.KQUEUE}) {
            try (EventLoop loop = EventLoop.open(backend)) {
                System.out.println(backend + "=" + loop.backend());
            } catch (IllegalStateException e) {
                System.out.println(backend + "=refused: " + e.getMessage());
            }
        }
    }

    /** One byte through a pipe, seen by a watch: the poller really works, not only loads. */
    private static String pipeRoundTrip(EventLoop loop) throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Watch watch = loop.watch(source, Interest.READ,
                    (w, ready) -> read.complete(source.read(ByteBuffer.allocate(8))));
            sink.write(ByteBuffer.wrap(new byte[] {42}));
            // Generous: a JVM under qemu-user is slow.
            int bytes = read.get(60, TimeUnit.SECONDS);
            watch.cancel();
            return bytes == 1 ? "ok" : "read " + bytes + " bytes, not 1";
        }
    }
}
