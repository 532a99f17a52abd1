package io.evloop;

import java.util.ArrayList;
import java.util.List;

/**
 * Every backend and binding this machine can run, for parameterized tests: the same test runs
 * once per entry. The NIO backend is always there, also on Linux, so the fallback is tested too.
 */
public final class TestBackends {
    /** One backend with its binding, as a test parameter. */
    public static final class Config {
        public final Backend backend;
        public final Binding binding;

        Config(Backend backend, Binding binding) {
            this.backend = backend;
            this.binding = binding;
        }

        /** Opens a loop on this configuration. */
        public EventLoop open() {
            return builder().build();
        }

        /** A builder already set to this configuration. */
        public EventLoop.Builder builder() {
            return EventLoop.builder().backend(backend).binding(binding);
        }

        public boolean isNative() {
            return backend.isNative();
        }

        @Override
        public String toString() {
            return backend.isNative() ? backend + "/" + binding : backend.toString();
        }
    }

    private TestBackends() {}

    /** The configurations available here. */
    public static List<Config> all() {
        List<Config> configs = new ArrayList<>();
        configs.add(new Config(Backend.NIO, Binding.AUTO));
        for (Backend backend : new Backend[] {Backend.EPOLL, Backend.KQUEUE}) {
            for (Binding binding : new Binding[] {Binding.JNA, Binding.PANAMA}) {
                if (EventLoop.isAvailable(backend, binding)) {
                    configs.add(new Config(backend, binding));
                }
            }
        }
        return configs;
    }

    /** Only the native configurations available here. */
    public static List<Config> nativeOnly() {
        List<Config> configs = new ArrayList<>(all());
        configs.removeIf(c -> !c.isNative());
        return configs;
    }
}
