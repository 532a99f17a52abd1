package io.evloop.pipeline;

import io.evloop.EventLoop;
import io.evloop.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;

/**
 * What the pipeline tests share: the backends they run on (for {@code @MethodSource}), loops
 * that close after each test, and numbers to feed a pipeline.
 */
abstract class PipelineTestSupport {
    private final List<EventLoop> loops = new ArrayList<>();

    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    /** A started loop on {@code config}; it closes after the test. */
    EventLoop loop(TestBackends.Config config) {
        EventLoop loop = config.builder().build().start();
        loops.add(loop);
        return loop;
    }

    @AfterEach
    void closeLoops() {
        loops.forEach(EventLoop::close);
    }

    /** The numbers 0 to {@code n - 1}, in order. */
    static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }
}
