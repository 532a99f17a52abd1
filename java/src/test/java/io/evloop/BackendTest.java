package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Choosing backends: the default, forcing one, and asking for one that is not here. */
class BackendTest {
    private static boolean linux() {
        return System.getProperty("os.name").toLowerCase().startsWith("linux");
    }

    @Test
    void theDefaultOnLinuxIsEpollAndTheLoopSaysSo() {
        if (!linux()) {
            return;
        }
        try (EventLoop loop = EventLoop.open()) {
            assertEquals(Backend.EPOLL, loop.backend());
            Binding expected = Runtime.version().feature() >= 22 ? Binding.PANAMA : Binding.JNA;
            assertEquals(Optional.of(expected), loop.binding());
            assertTrue(loop.toString().contains("EPOLL"), loop.toString());
        }
    }

    @Test
    void nioCanBeForcedOnEveryPlatform() {
        try (EventLoop loop = EventLoop.open(Backend.NIO)) {
            assertEquals(Backend.NIO, loop.backend());
            assertEquals(Optional.empty(), loop.binding());
        }
    }

    @Test
    void theSystemPropertyForcesABackendForAuto() {
        String old = System.getProperty(Backend.PROPERTY);
        System.setProperty(Backend.PROPERTY, "nio");
        try (EventLoop loop = EventLoop.open()) {
            assertEquals(Backend.NIO, loop.backend());
        } finally {
            restore(Backend.PROPERTY, old);
        }
        System.setProperty(Backend.PROPERTY, "bogus");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    EventLoop::open);
            assertTrue(e.getMessage().contains("bogus"), e.getMessage());
        } finally {
            restore(Backend.PROPERTY, old);
        }
    }

    @Test
    void forcingABackendThatIsNotHereThrowsWithTheReason() {
        Backend absent = linux() ? Backend.KQUEUE : Backend.EPOLL;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EventLoop.open(absent));
        assertTrue(e.getMessage().contains(absent.name()), e.getMessage());
    }

    @Test
    void panamaIsRefusedBeforeJdk22WithTheReason() {
        if (Runtime.version().feature() >= 22 || !linux()) {
            return;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EventLoop.builder().backend(Backend.EPOLL).binding(Binding.PANAMA)
                        .build());
        assertTrue(e.getMessage().contains("JDK 22"), e.getMessage());
        assertTrue(!EventLoop.isAvailable(Backend.EPOLL, Binding.PANAMA));
    }

    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }
}
