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
final class NativePoller implements Poller {
    private static final int FIRST_REQUESTS = 64;
    private static final int FIRST_EVENTS = 256;
    /** The event array stops growing here; more ready descriptors wait for the next poll. */
    private static final int MAX_EVENTS = 65536;

    private final NativeBinding binding;
    private final String pollerName;
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

    private long handle;
    private NativeArray requests;
    private NativeArray events;

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
        long[] out = new long[1];
        check(binding.open(out), "evl_open");
        handle = out[0];
        try {
            requests = new NativeArray(binding, FIRST_REQUESTS, reqSize);
            events = new NativeArray(binding, FIRST_EVENTS, eventSize);
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
            events = events.grow(binding, requestCount + FIRST_EVENTS);
        }
        NativeArray eventArray = events;
        int count = binding.poll(loop, requests.address, requestCount, eventArray.address,
                eventArray.capacity, timeoutNanos);
        if (count < 0) {
            throw failure("evl_poll", count);
        }
        dispatch(eventArray.buffer, count);
        if (count == eventArray.capacity && eventArray.capacity < MAX_EVENTS && handle != 0) {
            events = eventArray.grow(binding, eventArray.capacity * 2);
        }
        return count;
    }

    private int writeQueuedChanges() {
        int count = 0;
        if (requests.capacity < queuedCount) {
            requests = requests.grow(binding, queuedCount);
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
                count++;
            }
        }
        queuedCount = 0;
        return count;
    }

    private void dispatch(ByteBuffer buffer, int count) {
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
            if ((ready & Abi.FAILED) != 0) {
                int result = buffer.getInt(at + eventResult);
                r.onFailure(failure(ctlName + "(MOD) on fd " + r.fd, result));
            } else {
                r.onReady(ready);
            }
            table = slots;
        }
    }

    @Override
    public synchronized void wakeup() {
        if (handle != 0) {
            binding.wake(handle);
        }
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
