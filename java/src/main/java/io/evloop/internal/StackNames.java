package io.evloop.internal;

import java.security.CodeSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names the callback that a loop thread runs from a sample of that thread's stack. The loop does
 * not publish each task it runs (a reference store per task cost about 5% of the cheapest
 * dispatch), so the watchdog looks here, once, at a callback that has already run for a
 * sampling period. The name is the innermost frame of application code below the loop's
 * dispatching frame, with its source line, such as {@code com.example.Resizer.lambda$start$0
 * (Resizer.java:42)}; the library's own frames, the JDK's and those of lambda classes are skipped.
 */
public final class StackNames {
    private static final String CORE = "io.evloop.LoopCore";
    /** The engine's methods that call callbacks; the outermost frames of one. */
    private static final Set<String> DISPATCHERS = Set.of("runTask", "runTracedTask",
            "runDueTimers", "dispatchWatch", "runIteration");
    private static final String[] PLATFORM = {"java.", "javax.", "jdk.", "sun.", "com.sun.",
        "org.jctools."};
    private static final Map<String, Boolean> OURS = new ConcurrentHashMap<>();
    private static final CodeSource LIBRARY =
            StackNames.class.getProtectionDomain().getCodeSource();

    private StackNames() {}

    /**
     * The callback in a loop thread's stack (innermost frame first, as
     * {@link Thread#getStackTrace} gives it), or null when the loop runs no callback.
     */
    public static String callbackIn(StackTraceElement[] stack) {
        int dispatcher = -1;
        for (int i = 0; i < stack.length && dispatcher < 0; i++) {
            if (CORE.equals(stack[i].getClassName())
                    && DISPATCHERS.contains(stack[i].getMethodName())) {
                dispatcher = i;
            }
        }
        if (dispatcher <= 0) {
            return null;
        }
        for (int i = dispatcher - 1; i >= 0; i--) {
            if (!isLibraryOrPlatform(stack[i].getClassName())) {
                return name(stack[i]);
            }
        }
        // Only library and JDK code runs: name what the loop called, unless that is the loop's
        // own bookkeeping.
        StackTraceElement called = stack[dispatcher - 1];
        return CORE.equals(called.getClassName()) ? null : name(called);
    }

    private static String name(StackTraceElement frame) {
        String where = frame.getFileName() == null ? "unknown source"
                : frame.getLineNumber() > 0 ? frame.getFileName() + ":" + frame.getLineNumber()
                : frame.getFileName();
        return frame.getClassName() + "." + frame.getMethodName() + " (" + where + ")";
    }

    private static boolean isLibraryOrPlatform(String className) {
        if (className.contains("$$Lambda")) {
            return true; // the class the JDK spun for a lambda: its body is the next frame
        }
        for (String prefix : PLATFORM) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return className.startsWith("io.evloop.")
                && OURS.computeIfAbsent(className, StackNames::isLibraryClass);
    }

    /**
     * Whether a class comes from the library itself rather than from code that shares its
     * package names (such as its tests): the two are loaded from different places.
     */
    private static boolean isLibraryClass(String className) {
        try {
            Class<?> type = Class.forName(className, false, StackNames.class.getClassLoader());
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return LIBRARY == null ? source == null
                    : source != null && LIBRARY.getLocation().equals(source.getLocation());
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return false;
        }
    }
}
