package io.evloop;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.Pipe;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * close() from another thread right after a cancel: the cancel is a task the loop runs while
 * closing, after which it must terminate instead of sleeping with nothing left to wake it (it
 * once did, now and then; LoadProbe found it).
 */
class CloseAfterCancelTest {
    static java.util.List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeReturnsAfterACancelFromAnotherThread(TestBackends.Config config) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 200; i++) {
                EventLoop loop = config.open().start();
                Pipe pipe = Pipe.open();
                try (Pipe.SourceChannel source = pipe.source();
                        Pipe.SinkChannel sink = pipe.sink()) {
                    Watch watch = loop.watch(source, Interest.READ, (w, ready) -> { });
                    watch.cancel();
                    loop.close();
                }
                assertTrue(loop.isTerminated(), "round " + i);
            }
        });
    }
}
