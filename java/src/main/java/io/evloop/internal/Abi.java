package io.evloop.internal;

/**
 * What Java knows of the C ABI: the constants of {@code evl.h}, and the sizes and offsets of
 * its records, asked of the loaded library rather than assumed.
 */
final class Abi {
    /**
     * The ABI version this Java code was written for; the library must report the same. 3 added
     * {@code evl_held_bytes}.
     */
    static final int EXPECTED_VERSION = 3;

    static final int READ = 0x1;
    static final int WRITE = 0x2;
    static final int ERROR = 0x4;
    static final int HUP = 0x8;
    static final int FAILED = 0x10;

    static final int OP_ADD = 1;
    static final int OP_MOD = 2;
    static final int OP_DEL = 3;

    static final int POLLER_EPOLL = 1;
    static final int POLLER_KQUEUE = 2;

    private static final int KEY_VERSION = 0;
    private static final int KEY_REQ_SIZE = 1;
    private static final int KEY_REQ_TOKEN = 2;
    private static final int KEY_REQ_FD = 3;
    private static final int KEY_REQ_OP = 4;
    private static final int KEY_REQ_INTEREST = 5;
    private static final int KEY_EVENT_SIZE = 6;
    private static final int KEY_EVENT_TOKEN = 7;
    private static final int KEY_EVENT_READY = 8;
    private static final int KEY_EVENT_RESULT = 9;
    private static final int KEY_POLLER = 10;
    private static final int KEY_REQ_ADDR = 11;
    private static final int KEY_REQ_LEN = 12;
    private static final int KEY_EVENT_AUX = 13;
    private static final int KEY_IO = 14;

    final int version;
    final int reqSize;
    final int reqToken;
    final int reqFd;
    final int reqOp;
    final int reqInterest;
    final int eventSize;
    final int eventToken;
    final int eventReady;
    final int eventResult;
    final int poller;
    /** Offsets of the I/O fields (ABI 2): the bytes of a write, the arena offset of data. */
    final int reqAddr;
    final int reqLen;
    final int eventAux;
    /** Whether the core does socket I/O itself (the EVL_OP_IO_* requests). */
    final boolean io;

    private Abi(NativeBinding binding) {
        version = binding.abi(KEY_VERSION);
        reqSize = binding.abi(KEY_REQ_SIZE);
        reqToken = binding.abi(KEY_REQ_TOKEN);
        reqFd = binding.abi(KEY_REQ_FD);
        reqOp = binding.abi(KEY_REQ_OP);
        reqInterest = binding.abi(KEY_REQ_INTEREST);
        eventSize = binding.abi(KEY_EVENT_SIZE);
        eventToken = binding.abi(KEY_EVENT_TOKEN);
        eventReady = binding.abi(KEY_EVENT_READY);
        eventResult = binding.abi(KEY_EVENT_RESULT);
        poller = binding.abi(KEY_POLLER);
        reqAddr = binding.abi(KEY_REQ_ADDR);
        reqLen = binding.abi(KEY_REQ_LEN);
        eventAux = binding.abi(KEY_EVENT_AUX);
        io = binding.abi(KEY_IO) == 1;
    }

    /**
     * Why a library that a binding could not bind is refused, if it reports another ABI
     * version: a library older than this code lacks functions, so binding fails before
     * {@link #read} could name the version. Asks the library's {@code evl_abi} alone, through a
     * plain JNA lookup, only on that failure path; returns null when the version matches or
     * cannot be read (no library, no such function).
     */
    static String versionMismatch() {
        try {
            String library = NativeLibraryLoader.libraryPath().toString();
            int version = com.sun.jna.NativeLibrary.getInstance(library).getFunction("evl_abi")
                    .invokeInt(new Object[] {KEY_VERSION});
            return version == EXPECTED_VERSION ? null : mismatch(library, version);
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    private static String mismatch(String library, int version) {
        return "the evloop library " + library + " has ABI version " + version
                + ", this evloop needs version " + EXPECTED_VERSION;
    }

    /**
     * Reads the ABI of a loaded library and checks it against what this code expects.
     *
     * @throws UnsatisfiedLinkError naming the library and the mismatch
     */
    static Abi read(NativeBinding binding, String library) {
        Abi abi = new Abi(binding);
        if (abi.version != EXPECTED_VERSION) {
            throw new UnsatisfiedLinkError(mismatch(library, abi.version));
        }
        if (abi.poller != POLLER_EPOLL && abi.poller != POLLER_KQUEUE) {
            throw new UnsatisfiedLinkError("the evloop library " + library
                    + " reports an unknown poller " + abi.poller);
        }
        return abi;
    }
}
