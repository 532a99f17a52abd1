package io.evloop.pipeline;

import io.evloop.internal.JfrSwitch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The pipelines that run in this JVM, for the periodic JFR summary. Held weakly, so that a
 * pipeline dropped without {@code close()} does not stay here. Touches no JFR class: the
 * summary is hooked into JFR only once it runs.
 */
final class LivePipelines {
    private static final Set<Engine> ENGINES =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    static {
        // A lambda, not a method reference: resolving PipelineJfr::install would load the
        // class, and through it JFR, at once.
        JfrSwitch.whenActive(() -> PipelineJfr.install());
    }

    private LivePipelines() {}

    static void add(Engine engine) {
        ENGINES.add(engine);
    }

    static void remove(Engine engine) {
        ENGINES.remove(engine);
    }

    static List<Engine> snapshot() {
        synchronized (ENGINES) {
            return new ArrayList<>(ENGINES);
        }
    }
}
