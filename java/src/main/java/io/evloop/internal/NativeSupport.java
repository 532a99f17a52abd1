package io.evloop.internal;

/**
 * Loads a binding of the C core once and remembers the outcome: either a working binding with
 * its checked ABI, or the reason it cannot be used. Thread-safe.
 */
public final class NativeSupport {
    private static final String PANAMA_CLASS = "io.evloop.internal.PanamaBinding";
    private static final Outcome JNA = new Outcome("JNA");
    private static final Outcome PANAMA = new Outcome("PANAMA");

    private NativeSupport() {}

    /** Whether this runtime can run the Panama binding (JDK 22 and newer). */
    public static boolean panamaRuntime() {
        return Runtime.version().feature() >= 22;
    }

    /**
     * Loads the named binding ({@code "JNA"} or {@code "PANAMA"}) and returns the poller kind
     * it offers ({@code "EPOLL"} or {@code "KQUEUE"}).
     *
     * @throws UnsatisfiedLinkError with the reason when the binding cannot be used
     */
    public static String pollerOf(String binding) {
        Outcome outcome = outcome(binding);
        return outcome.load().poller == Abi.POLLER_EPOLL ? "EPOLL" : "KQUEUE";
    }

    /** Opens a native poller through the named binding. */
    public static Poller openPoller(String binding) throws java.io.IOException {
        Outcome outcome = outcome(binding);
        Loaded loaded = outcome.load();
        return new NativePoller(loaded.binding, loaded.abi);
    }

    private static Outcome outcome(String binding) {
        switch (binding) {
            case "JNA":
                return JNA;
            case "PANAMA":
                return PANAMA;
            default:
                throw new IllegalArgumentException("unknown binding " + binding);
        }
    }

    private static final class Loaded {
        final NativeBinding binding;
        final Abi abi;
        final int poller;

        Loaded(NativeBinding binding, Abi abi) {
            this.binding = binding;
            this.abi = abi;
            this.poller = abi.poller;
        }
    }

    private static final class Outcome {
        private final String name;
        private Loaded loaded;
        private UnsatisfiedLinkError failure;

        Outcome(String name) {
            this.name = name;
        }

        synchronized Loaded load() {
            if (loaded == null && failure == null) {
                // A bad evloop.libc is the user's error, not a missing library: it throws
                // IllegalArgumentException here rather than falling back.
                Platform.current();
                try {
                    NativeBinding binding = bind(name);
                    loaded = new Loaded(binding, Abi.read(binding,
                            NativeLibraryLoader.libraryPath().toString()));
                } catch (UnsatisfiedLinkError e) {
                    String version = Abi.versionMismatch();
                    failure = onPlatform(version != null ? version : e.getMessage(), e);
                } catch (LinkageError | RuntimeException e) {
                    failure = onPlatform("the " + name + " binding cannot load: " + e, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return loaded;
        }
    }

    /** Every failure names the platform, so that a log line alone tells what was missing. */
    private static UnsatisfiedLinkError onPlatform(String reason, Throwable cause) {
        String message = "the native core cannot run on " + Platform.current() + ": " + reason;
        return (UnsatisfiedLinkError) new UnsatisfiedLinkError(message).initCause(cause);
    }

    private static NativeBinding bind(String name) {
        if (name.equals("JNA")) {
            return JnaBinding.INSTANCE;
        }
        if (!panamaRuntime()) {
            throw new UnsatisfiedLinkError("the PANAMA binding needs JDK 22 or newer; this is "
                    + "JDK " + Runtime.version().feature());
        }
        try {
            Class<?> type = Class.forName(PANAMA_CLASS);
            return (NativeBinding) type.getDeclaredField("INSTANCE").get(null);
        } catch (ClassNotFoundException e) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError("the PANAMA binding is not in "
                    + "this build of evloop (it was built by a JDK older than 22)").initCause(e);
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof UnsatisfiedLinkError) {
                throw (UnsatisfiedLinkError) cause;
            }
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError("the PANAMA binding cannot "
                    + "load: " + cause).initCause(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach " + PANAMA_CLASS, e);
        }
    }
}
