package io.evloop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link JvmShutdownTest}: starts loops with busy timers and submitters, then
 * ends the JVM the way its third argument says. Prints {@code busy} once the loops work and,
 * in mode {@code hook}, {@code closed} from the shutdown hook after closing every loop.
 *
 * <p>Arguments: backend, binding, mode ({@code exit}: daemon loops and {@code System.exit(0)};
 * {@code return}: daemon loops and main returns; {@code hook}: non-daemon loops that a
 * shutdown hook closes, then {@code System.exit(0)}).
 */
public final class ShutdownChild {
    private static final int LOOPS = 3;

    private ShutdownChild() {}

    public static void main(String[] args) throws Exception {
        Backend backend = Backend.valueOf(args[0]);
        Binding binding = Binding.valueOf(args[1]);
        String mode = args[2];
        List<EventLoop> loops = new ArrayList<>();
        AtomicLong work = new AtomicLong();
        for (int i = 0; i < LOOPS; i++) {
            EventLoop loop = EventLoop.builder().backend(backend).binding(binding)
                    .daemon(!mode.equals("hook")).name("child-" + i).build().start();
            loop.scheduleAtFixedRate(work::incrementAndGet, 0, 100, TimeUnit.MICROSECONDS);
            loop.scheduleWithFixedDelay(work::incrementAndGet, 0, 10, TimeUnit.MICROSECONDS);
            loop.schedule(work::incrementAndGet, 1, TimeUnit.HOURS);
            loops.add(loop);
            startSubmitter(loop, work);
        }
        if (mode.equals("hook")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(loops), "closer"));
        }
        while (work.get() < 1000) {
            Thread.sleep(1);
        }
        System.out.println("busy");
        System.out.flush();
        if (!mode.equals("return")) {
            System.exit(0);
        }
    }

    /** A daemon thread that submits until its loop rejects it. */
    private static void startSubmitter(EventLoop loop, AtomicLong work) {
        Thread submitter = new Thread(() -> {
            try {
                while (true) {
                    loop.execute(work::incrementAndGet);
                    loop.submit(work::incrementAndGet);
                    Thread.yield();
                }
            } catch (RejectedExecutionException closed) {
                // The loop closed: the expected way out.
            }
        }, "submitter");
        submitter.setDaemon(true);
        submitter.start();
    }

    private static void closeAll(List<EventLoop> loops) {
        for (EventLoop loop : loops) {
            loop.close();
            if (!loop.isTerminated()) {
                System.out.println("not terminated: " + loop);
            }
        }
        System.out.println("closed");
        System.out.flush();
    }
}
