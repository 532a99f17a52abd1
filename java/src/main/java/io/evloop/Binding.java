package io.evloop;

/**
 * How Java calls into the C core of the native backends. It has no effect on {@link
 * Backend#NIO}.
 *
 * <p>The system property {@value #PROPERTY} chooses the binding of loops opened with
 * {@link #AUTO}.
 */
public enum Binding {
    /** {@link #PANAMA} on JDK 22 and newer when it loads, otherwise {@link #JNA}. */
    AUTO,
    /** JNA direct mapping; JDK 17 and newer. About 100 ns per call. */
    JNA,
    /** The foreign function API of JDK 22 and newer; about as cheap as JNI. */
    PANAMA;

    /** The system property that overrides {@link #AUTO}. */
    public static final String PROPERTY = "evloop.binding";
}
