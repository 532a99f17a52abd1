package io.evloop;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * close() right after tasks from another thread: the closing iteration runs those tasks and
 * must not then sleep with nobody left to wake it (found by the echo benchmark's tear-down).
 */
class CloseAfterTasksTest {
    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeRightAfterRemoteTasksTerminates(TestBackends.Config config) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int round = 0; round < 200; round++) {
                EventLoop loop = config.builder().build().start();
                for (int i = 0; i < 10; i++) {
                    loop.execute(() -> { });
                }
                loop.close();
                assertTrue(loop.isTerminated());
            }
        });
    }
}
