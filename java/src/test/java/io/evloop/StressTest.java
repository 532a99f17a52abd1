package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Many threads submitting at once: nothing lost, nothing duplicated, order kept per thread. */
class StressTest {
    private static final int THREADS = 4;
    private static final int TASKS_PER_THREAD = 100_000;

    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void concurrentSubmittersLoseAndDuplicateNothing(TestBackends.Config config)
            throws Exception {
        int[] next = new int[THREADS];
        int[] outOfOrder = new int[1];
        CountDownLatch done = new CountDownLatch(THREADS * TASKS_PER_THREAD);
        try (EventLoop loop = config.open().start()) {
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int producer = t;
                producers.add(new Thread(() -> {
                    for (int i = 0; i < TASKS_PER_THREAD; i++) {
                        int seq = i;
                        loop.execute(() -> {
                            // Runs on the loop thread only, so plain fields are safe here.
                            if (next[producer] != seq) {
                                outOfOrder[0]++;
                            }
                            next[producer] = seq + 1;
                            done.countDown();
                        });
                    }
                }));
            }
            producers.forEach(Thread::start);
            for (Thread producer : producers) {
                producer.join();
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "tasks left: " + done.getCount());
            int[] seen = loop.submit(() -> next.clone()).get(10, TimeUnit.SECONDS);
            for (int t = 0; t < THREADS; t++) {
                assertEquals(TASKS_PER_THREAD, seen[t], "producer " + t);
            }
            assertEquals(0, loop.submit(() -> outOfOrder[0]).get(10, TimeUnit.SECONDS));
        }
    }
}
