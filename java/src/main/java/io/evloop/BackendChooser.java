package io.evloop;

import io.evloop.internal.NativeSupport;
import io.evloop.internal.NioPoller;
import io.evloop.internal.Platform;
import io.evloop.internal.Poller;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/** Turns a requested backend and binding into an open poller, by the rules of {@link Backend}. */
final class BackendChooser {
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private BackendChooser() {}

    static Poller open(Backend requested, Binding binding) throws IOException {
        Backend backend = requested == Backend.AUTO ? fromProperty() : requested;
        if (backend == Backend.NIO) {
            return new NioPoller();
        }
        if (backend == Backend.AUTO) {
            try {
                return openNative(null, binding);
            } catch (UnsatisfiedLinkError e) {
                if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                    ErrorHandlers.LOG.log(Level.WARNING, "evloop: the native backend is not "
                            + "available, using NIO: " + e.getMessage());
                }
                return new NioPoller();
            }
        }
        try {
            return openNative(backend, binding);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("backend " + backend + " is not available: "
                    + e.getMessage(), e);
        }
    }

    /** Whether a backend can be opened here, for tests and tools that enumerate backends. */
    static boolean isAvailable(Backend backend, Binding binding) {
        if (backend == Backend.NIO || backend == Backend.AUTO) {
            return true;
        }
        try {
            String name = resolve(binding);
            return NativeSupport.pollerOf(name).equals(backend.name());
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static Poller openNative(Backend backend, Binding binding) throws IOException {
        String name = resolve(binding);
        String poller = NativeSupport.pollerOf(name);
        if (backend != null && !poller.equals(backend.name())) {
            throw new UnsatisfiedLinkError("the evloop library for " + Platform.current()
                    + " provides " + poller + ", not " + backend);
        }
        return NativeSupport.openPoller(name);
    }

    /** The binding to use: the requested one, or Panama when it loads, else JNA. */
    private static String resolve(Binding binding) {
        Binding chosen = binding == Binding.AUTO ? bindingFromProperty() : binding;
        if (chosen != Binding.AUTO) {
            return chosen.name();
        }
        if (NativeSupport.panamaRuntime()) {
            try {
                NativeSupport.pollerOf("PANAMA");
                return "PANAMA";
            } catch (UnsatisfiedLinkError e) {
                // JNA below reports its own reason if it cannot load either.
            }
        }
        return "JNA";
    }

    private static Backend fromProperty() {
        String value = System.getProperty(Backend.PROPERTY);
        if (value == null || value.isBlank()) {
            return Backend.AUTO;
        }
        try {
            return Backend.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + Backend.PROPERTY + "=" + value
                    + " names no backend; use AUTO, EPOLL, KQUEUE or NIO", e);
        }
    }

    private static Binding bindingFromProperty() {
        String value = System.getProperty(Binding.PROPERTY);
        if (value == null || value.isBlank()) {
            return Binding.AUTO;
        }
        try {
            return Binding.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + Binding.PROPERTY + "=" + value
                    + " names no binding; use AUTO, JNA or PANAMA", e);
        }
    }
}
