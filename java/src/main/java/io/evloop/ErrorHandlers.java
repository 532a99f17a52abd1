package io.evloop;

import java.lang.System.Logger.Level;

/** The default error handler: one log record per failure through {@link System.Logger}. */
final class ErrorHandlers {
    static final System.Logger LOG = System.getLogger("io.evloop");

    static final ErrorHandler LOGGING = (loop, source, error) ->
            LOG.log(Level.ERROR, loop + ": " + source + " failed", error);

    private ErrorHandlers() {}
}
