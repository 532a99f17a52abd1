package io.evloop;

/**
 * The main class of the child JVMs that {@link NativeLoadingTest} starts: a fresh JVM is needed
 * because the outcome of loading the library is kept for the life of a JVM. Prints one line
 * per question, for the test to read.
 */
public final class LoadProbe {
    private LoadProbe() {}

    public static void main(String[] args) {
        try (EventLoop loop = EventLoop.open()) {
            System.out.println("auto=" + loop.backend());
            System.out.println("binding=" + loop.binding().map(Enum::name).orElse("none"));
        }
        for (Backend backend : new Backend[] {Backend.EPOLL, Backend.KQUEUE}) {
            try (EventLoop loop = EventLoop.open(backend)) {
                System.out.println(backend + "=" + loop.backend());
            } catch (IllegalStateException e) {
                System.out.println(backend + "=refused: " + e.getMessage());
            }
        }
    }
}
