package io.evloop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what the loop logs through System.Logger (backed by java.util.logging here). */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.evloop");
    final List<String> messages = new CopyOnWriteArrayList<>();

    LogCapture() {
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        messages.add(record.getMessage());
    }

    boolean any(String... parts) {
        for (String message : messages) {
            boolean all = true;
            for (String part : parts) {
                all &= message.contains(part);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
