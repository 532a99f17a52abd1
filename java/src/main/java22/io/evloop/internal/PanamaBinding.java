package io.evloop.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The C core through the Panama foreign function API (JDK 22 and newer). The handles are
 * {@code static final}, so the JIT treats them as constants and a call costs about what a JNI
 * call costs (DESIGN.md measured 6 ns). Pointers are passed as {@code long}: on the 64-bit
 * ABIs we support, a pointer argument travels in the same register as a 64-bit integer, and
 * passing a {@code long} needs no {@code MemorySegment} per call.
 *
 * <p>This class is compiled only by a JDK 22+ build and loaded only on a JDK 22+ runtime.
 */
final class PanamaBinding implements NativeBinding {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup CORE = SymbolLookup.libraryLookup(
            NativeLibraryLoader.libraryPath(), Arena.global());

    private static final MethodHandle ABI = core("evl_abi",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = core("evl_open",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle CLOSE = core("evl_close",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle CTL = core("evl_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle POLL = core("evl_poll", FunctionDescriptor.of(JAVA_INT,
            JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
    private static final MethodHandle WAKE = core("evl_wake",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle SET_ARENA = core("evl_set_arena",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle STRERROR = core("evl_strerror",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle HELD_BYTES = core("evl_held_bytes",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(JAVA_LONG));

    static final PanamaBinding INSTANCE = new PanamaBinding();

    private PanamaBinding() {}

    private static MethodHandle core(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = CORE.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                "the evloop library " + NativeLibraryLoader.libraryPath() + " has no " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    @Override
    public String name() {
        return "PANAMA";
    }

    @Override
    public int abi(int key) {
        try {
            return (int) ABI.invokeExact(key);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int open(long[] out) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            int result = (int) OPEN.invokeExact(slot.address());
            out[0] = slot.get(JAVA_LONG, 0);
            return result;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int close(long loop) {
        try {
            return (int) CLOSE.invokeExact(loop);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int ctl(long loop, int op, int fd, int interest, long token) {
        try {
            return (int) CTL.invokeExact(loop, op, fd, interest, token);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int poll(long loop, long requests, int requestCount, long events, int maxEvents,
            long timeoutNanos) {
        try {
            return (int) POLL.invokeExact(loop, requests, requestCount, events, maxEvents,
                    timeoutNanos);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int wake(long loop) {
        try {
            return (int) WAKE.invokeExact(loop);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int setArena(long loop, long base, int length) {
        try {
            return (int) SET_ARENA.invokeExact(loop, base, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long heldBytes(long loop) {
        try {
            return (long) HELD_BYTES.invokeExact(loop);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public String strerror(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            int result = (int) STRERROR.invokeExact(errno, buffer.address(), 256);
            return result < 0 ? "error " + errno : buffer.getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long allocate(long bytes) {
        try {
            return (long) MALLOC.invokeExact(bytes);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public ByteBuffer view(long address, int bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes).asByteBuffer()
                .order(ByteOrder.nativeOrder());
    }

    /** A downcall cannot throw a checked exception; anything else is a bug worth surfacing. */
    private static IllegalStateException unexpected(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
