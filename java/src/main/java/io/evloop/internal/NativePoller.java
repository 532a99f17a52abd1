package io.evloop.internal;

import io.evloop.NativeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A poller over the C core: one native call per iteration applies the queued interest changes,
 * waits, and fills an event array in native memory that this class reads back.
 *
 * <p>Watches are identified in the kernel by a token, not by their descriptor: the low 32 bits
 * name a slot in {@link #slots}, the high 32 bits the slot's generation. A slot freed by
 * {@link #deregister} gets a new generation, so a stale event for a closed and reused
 * descriptor is recognised and dropped.
 */
final class NativePoller implements Poller, SocketIo {
    private static final int FIRST_REQUESTS = 64;
    private static final int FIRST_EVENTS = 256;
    /** The event array stops growing here; more ready descriptors wait for the next poll. */
    private static final int MAX_EVENTS = 65536;

    private final NativeBinding binding;
    private final String pollerName;
    private PollObserver observer = PollObserver.NONE;
    private final String ctlName;
    private final int reqSize;
    private final int reqToken;
    private final int reqFd;
    private final int reqOp;
    private final int reqInterest;
    private final int eventSize;
    private final int eventToken;
    private final int eventReady;
    private final int eventResult;
    private final int reqAddr;
    private final int reqLen;
    private final int eventAux;
    private final boolean ioSupported;
    /** The core's socket I/O: queued requests, the read arena, write chunks. */
    private final IoState io = new IoState();

    private long handle;
    private NativeArray requests;
    private NativeArray events;
    /**
     * Native memory this class allocated and holds: the two arrays, the read arena and the write
     * chunks. Written by the loop thread only, read by any thread for the loop's stats.
     */
    private volatile long bufferBytes;

    private Registration[] slots = new Registration[64];
    private int[] generations = new int[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int slotsUsed;

    private Registration[] queued = new Registration[16];
    private int queuedCount;

    NativePoller(NativeBinding binding, Abi abi) throws IOException {
        this.binding = binding;
        this.pollerName = abi.poller == Abi.POLLER_EPOLL ? "EPOLL" : "KQUEUE";
        this.ctlName = abi.poller == Abi.POLLER_EPOLL ? "epoll_ctl" : "kevent";
        reqSize = abi.reqSize;
        reqToken = abi.reqToken;
        reqFd = abi.reqFd;
        reqOp = abi.reqOp;
        reqInterest = abi.reqInterest;
        eventSize = abi.eventSize;
        eventToken = abi.eventToken;
        eventReady = abi.eventReady;
        eventResult = abi.eventResult;
        reqAddr = abi.reqAddr;
        reqLen = abi.reqLen;
        eventAux = abi.eventAux;
        ioSupported = abi.io;
        long[] out = new long[1];
        check(binding.open(out), "evl_open");
        handle = out[0];
        try {
            requests = new NativeArray(binding, FIRST_REQUESTS, reqSize);
            bufferBytes += requests.bytes();
            events = new NativeArray(binding, FIRST_EVENTS, eventSize);
            bufferBytes += events.bytes();
        } catch (OutOfMemoryError e) {
            close();
            throw e;
        }
    }

    @Override
    public String backend() {
        return pollerName;
    }

    @Override
    public String binding() {
        return binding.name();
    }

    @Override
    public void register(Registration registration) throws IOException {
        long loop = liveHandle();
        int slot = allocateSlot();
        long token = ((long) generations[slot] << 32) | slot;
        int result = binding.ctl(loop, Abi.OP_ADD, registration.fd, registration.interest,
                token);
        if (result < 0) {
            releaseSlot(slot);
            throw failure(ctlName + "(ADD) on fd " + registration.fd, result);
        }
        registration.token = token;
        slots[slot] = registration;
    }

    @Override
    public void update(Registration registration, int interest) {
        registration.interest = interest;
        if (!registration.changeQueued && isCurrent(registration)) {
            if (queuedCount == queued.length) {
                queued = Arrays.copyOf(queued, queuedCount * 2);
            }
            queued[queuedCount++] = registration;
            registration.changeQueued = true;
        }
    }

    @Override
    public void deregister(Registration registration) throws IOException {
        if (!isCurrent(registration)) {
            return;
        }
        releaseSlot((int) registration.token);
        int result = binding.ctl(liveHandle(), Abi.OP_DEL, registration.fd, 0,
                registration.token);
        // A descriptor that was already closed has left the poller by itself; that is the
        // outcome the caller asked for, so EBADF and ENOENT are not failures here.
        if (result < 0 && result != -Errno.EBADF && result != -Errno.ENOENT) {
            throw failure(ctlName + "(DEL) on fd " + registration.fd, result);
        }
    }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        long loop = liveHandle();
        int requestCount = writeQueuedChanges();
        if (events.capacity <= requestCount) {
            events = grow(events, requestCount + FIRST_EVENTS);
        }
        NativeArray eventArray = events;
        java.util.List<AutoCloseable> released = io.takeReleased();
        // Forgotten sockets close right after this call applied their DEL; a call that could
        // sleep would keep them open meanwhile, so it only looks.
        long timeout = released != null ? 0 : timeoutNanos;
        int count = binding.poll(loop, requests.address, requestCount, eventArray.address,
                eventArray.capacity, timeout);
        // The requests, the DELs of forgotten sockets among them, are applied even when the
        // wait failed, so their descriptors may close now.
        io.closeAll(released);
        if (count < 0) {
            throw failure("evl_poll", count);
        }
        dispatch(eventArray.buffer, count);
        if (count == eventArray.capacity && eventArray.capacity < MAX_EVENTS && handle != 0) {
            events = grow(eventArray, eventArray.capacity * 2);
        }
        return count;
    }

    private NativeArray grow(NativeArray array, int minimum) {
        NativeArray bigger = array.grow(binding, minimum);
        bufferBytes += bigger.bytes() - array.bytes();
        return bigger;
    }

    private int writeQueuedChanges() {
        int count = 0;
        if (requests.capacity < queuedCount + io.count) {
            requests = grow(requests, queuedCount + io.count);
        }
        ByteBuffer buffer = requests.buffer;
        for (int i = 0; i < queuedCount; i++) {
            Registration r = queued[i];
            queued[i] = null;
            r.changeQueued = false;
            if (isCurrent(r)) {
                int at = count * reqSize;
                buffer.putLong(at + reqToken, r.token);
                buffer.putInt(at + reqFd, r.fd);
                buffer.putShort(at + reqOp, (short) Abi.OP_MOD);
                buffer.putShort(at + reqInterest, (short) r.interest);
                buffer.putLong(at + reqAddr, 0);
                buffer.putInt(at + reqLen, 0);
                count++;
            }
        }
        queuedCount = 0;
        for (int i = 0; i < io.count; i++) {
            int at = count * reqSize;
            buffer.putLong(at + reqToken, io.tokens[i]);
            buffer.putInt(at + reqFd, io.fds[i]);
            buffer.putShort(at + reqOp, (short) io.ops[i]);
            buffer.putShort(at + reqInterest, (short) io.interests[i]);
            buffer.putLong(at + reqAddr, io.addresses[i]);
            buffer.putInt(at + reqLen, io.lengths[i]);
            count++;
        }
        io.count = 0;
        return count;
    }

    private void dispatch(ByteBuffer buffer, int count) {
        observer.waitEnded();
        Registration[] table = slots;
        for (int i = 0; i < count; i++) {
            int at = i * eventSize;
            long token = buffer.getLong(at + eventToken);
            int ready = buffer.getInt(at + eventReady);
            int slot = (int) token;
            if (slot < 0 || slot >= table.length) {
                continue;
            }
            Registration r = table[slot];
            if (r == null || r.token != token) {
                continue;
            }
            if ((ready & COMPLETIONS) != 0) {
                ((IoRegistration) r).onCompletion(ready, buffer.getInt(at + eventResult),
                        buffer.getLong(at + eventAux));
                observer.completionDispatched();
            } else if ((ready & Abi.FAILED) != 0) {
                int result = buffer.getInt(at + eventResult);
                r.onFailure(failure((r instanceof IoRegistration ? "a socket I/O request"
                        : ctlName + "(MOD)") + " on fd " + r.fd, result));
                observer.completionDispatched();
            } else {
                r.onReady(ready);
            }
            table = slots;
        }
    }

    @Override
    public void observe(PollObserver observer) {
        this.observer = observer;
    }

    @Override
    public synchronized void wakeup() {
        if (handle != 0) {
            binding.wake(handle);
        }
    }

    /** Synchronized with {@link #close}, which frees what the core holds. */
    @Override
    public synchronized long nativeCoreBytes() {
        return handle == 0 ? 0 : binding.heldBytes(handle);
    }

    @Override
    public long nativeBufferBytes() {
        return bufferBytes;
    }

    @Override
    public synchronized void close() {
        if (handle == 0) {
            return;
        }
        binding.close(handle);
        handle = 0;
        if (requests != null) {
            requests.free(binding);
        }
        if (events != null) {
            events.free(binding);
        }
        Arrays.fill(slots, null);
        io.free();
        bufferBytes = 0;
    }

    // ---------------------------------------------------------------- socket I/O

    private static final int COMPLETIONS = 0x7f00;
    private static final int ARENA_BYTES = 256 * 1024;
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int CHUNKS_PER_BLOCK = 64;

    boolean hasSocketIo() {
        return ioSupported;
    }

    @Override
    public void add(IoRegistration socket, boolean reading) {
        long loop = liveHandle();
        if (io.arena == 0) {
            long arena = allocateOrFail(ARENA_BYTES);
            int result = binding.setArena(loop, arena, ARENA_BYTES);
            if (result < 0) {
                binding.free(arena);
                throw new IllegalStateException(failure("evl_set_arena", result));
            }
            io.arena = arena;
            io.arenaView = binding.view(arena, ARENA_BYTES);
            bufferBytes += ARENA_BYTES;
        }
        int slot = allocateSlot();
        long token = ((long) generations[slot] << 32) | slot;
        socket.token = token;
        slots[slot] = socket;
        io.queue(token, socket.fd, OP_IO_ADD, reading ? Abi.READ : 0, 0, 0);
    }

    @Override
    public void request(IoRegistration socket, int op, int interest, long address, int length) {
        if (isCurrent(socket)) {
            io.queue(socket.token, socket.fd, op, interest, address, length);
        }
    }

    @Override
    public void forget(IoRegistration socket, AutoCloseable closeAfter) {
        if (isCurrent(socket)) {
            io.queue(socket.token, socket.fd, Abi.OP_DEL, 0, 0, 0);
            releaseSlot((int) socket.token);
        }
        io.closeAfterPoll(closeAfter);
    }

    @Override
    public ByteBuffer slice(long offset, int length) {
        ByteBuffer view = io.arenaView;
        view.clear();
        view.position((int) offset);
        view.limit((int) offset + length);
        return view;
    }

    @Override
    public int takeChunk() {
        liveHandle();
        if (io.freeChunkCount == 0) {
            addChunkBlock();
        }
        return io.freeChunks[--io.freeChunkCount];
    }

    private void addChunkBlock() {
        long block = allocateOrFail((long) CHUNK_BYTES * CHUNKS_PER_BLOCK);
        io.addBlock(block);
        bufferBytes += (long) CHUNK_BYTES * CHUNKS_PER_BLOCK;
        int first = io.chunkCount;
        io.growChunks(first + CHUNKS_PER_BLOCK);
        for (int i = 0; i < CHUNKS_PER_BLOCK; i++) {
            long address = block + (long) i * CHUNK_BYTES;
            io.chunkAddresses[first + i] = address;
            io.chunkViews[first + i] = binding.view(address, CHUNK_BYTES);
            io.freeChunks[io.freeChunkCount++] = first + i;
        }
        io.chunkCount = first + CHUNKS_PER_BLOCK;
    }

    private long allocateOrFail(long bytes) {
        long memory = binding.allocate(bytes);
        if (memory == 0) {
            throw new OutOfMemoryError("cannot allocate " + bytes + " bytes of native memory");
        }
        return memory;
    }

    @Override
    public long chunkAddress(int chunk) {
        return io.chunkAddresses[chunk];
    }

    @Override
    public ByteBuffer chunkBuffer(int chunk) {
        return io.chunkViews[chunk];
    }

    @Override
    public void releaseChunk(int chunk) {
        io.freeChunks[io.freeChunkCount++] = chunk;
    }

    @Override
    public String errorText(int errno) {
        return binding.strerror(errno);
    }

    /** The Java side of the core's socket I/O; loop thread only. */
    private final class IoState {
        int count;
        long[] tokens = new long[64];
        int[] fds = new int[64];
        int[] ops = new int[64];
        int[] interests = new int[64];
        long[] addresses = new long[64];
        int[] lengths = new int[64];

        long arena;
        ByteBuffer arenaView;

        long[] blocks = new long[4];
        int blockCount;
        int chunkCount;
        long[] chunkAddresses = new long[0];
        ByteBuffer[] chunkViews = new ByteBuffer[0];
        int[] freeChunks = new int[0];
        int freeChunkCount;

        private java.util.List<AutoCloseable> toClose = new java.util.ArrayList<>();

        void queue(long token, int fd, int op, int interest, long address, int length) {
            if (count == tokens.length) {
                int n = count * 2;
                tokens = Arrays.copyOf(tokens, n);
                fds = Arrays.copyOf(fds, n);
                ops = Arrays.copyOf(ops, n);
                interests = Arrays.copyOf(interests, n);
                addresses = Arrays.copyOf(addresses, n);
                lengths = Arrays.copyOf(lengths, n);
            }
            tokens[count] = token;
            fds[count] = fd;
            ops[count] = op;
            interests[count] = interest;
            addresses[count] = address;
            lengths[count] = length;
            count++;
        }

        void closeAfterPoll(AutoCloseable c) {
            toClose.add(c);
        }

        java.util.List<AutoCloseable> takeReleased() {
            if (toClose.isEmpty()) {
                return null;
            }
            java.util.List<AutoCloseable> taken = toClose;
            toClose = new java.util.ArrayList<>();
            return taken;
        }

        void closeAll(java.util.List<AutoCloseable> list) {
            if (list == null) {
                return;
            }
            for (AutoCloseable c : list) {
                try {
                    c.close();
                } catch (Exception e) {
                    // Closing a socket fails only for one that is gone already.
                }
            }
        }

        void addBlock(long block) {
            if (blockCount == blocks.length) {
                blocks = Arrays.copyOf(blocks, blockCount * 2);
            }
            blocks[blockCount++] = block;
        }

        void growChunks(int n) {
            chunkAddresses = Arrays.copyOf(chunkAddresses, n);
            chunkViews = Arrays.copyOf(chunkViews, n);
            freeChunks = Arrays.copyOf(freeChunks, n);
        }

        /** After evl_close: the core holds no pointer into this memory any more. */
        void free() {
            closeAll(takeReleased());
            if (arena != 0) {
                binding.free(arena);
                arena = 0;
            }
            for (int i = 0; i < blockCount; i++) {
                binding.free(blocks[i]);
            }
            blockCount = 0;
        }
    }

    private boolean isCurrent(Registration r) {
        int slot = (int) r.token;
        return r.token != 0 && slot >= 0 && slot < slots.length && slots[slot] == r;
    }

    private int allocateSlot() {
        if (freeCount > 0) {
            return freeSlots[--freeCount];
        }
        if (slotsUsed == slots.length) {
            slots = Arrays.copyOf(slots, slotsUsed * 2);
            generations = Arrays.copyOf(generations, slotsUsed * 2);
        }
        int slot = slotsUsed++;
        generations[slot] = 1;
        return slot;
    }

    private void releaseSlot(int slot) {
        slots[slot] = null;
        generations[slot]++;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private long liveHandle() {
        long loop = handle;
        if (loop == 0) {
            throw new IllegalStateException("the " + pollerName + " poller is closed");
        }
        return loop;
    }

    private void check(int result, String call) throws NativeException {
        if (result < 0) {
            throw failure(call, result);
        }
    }

    private NativeException failure(String call, int result) {
        return new NativeException(call, -result, binding.strerror(-result));
    }

    /** An array of fixed-size records in native memory, with a buffer view over it. */
    private static final class NativeArray {
        final long address;
        final int capacity;
        final ByteBuffer buffer;

        NativeArray(NativeBinding binding, int capacity, int recordSize) {
            long bytes = (long) capacity * recordSize;
            long memory = binding.allocate(bytes);
            if (memory == 0) {
                throw new OutOfMemoryError("cannot allocate " + bytes + " bytes of native memory");
            }
            this.address = memory;
            this.capacity = capacity;
            this.buffer = binding.view(memory, (int) bytes);
        }

        long bytes() {
            return buffer.capacity();
        }

        NativeArray grow(NativeBinding binding, int minimum) {
            int newCapacity = Math.max(minimum, capacity * 2);
            NativeArray bigger = new NativeArray(binding, newCapacity,
                    buffer.capacity() / capacity);
            free(binding);
            return bigger;
        }

        void free(NativeBinding binding) {
            binding.free(address);
        }
    }
}
