package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.internal.LoopAccess;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * The sockets open on each loop, so that a loop that terminates closes them: connections fail
 * their pending writes and hear onClose, listeners and datagram sockets close. Nothing is left
 * open or waiting when its loop is gone. Loop thread only, except {@link #register}.
 */
final class OpenSockets {
    /** A socket that belongs to a loop. */
    interface Member {
        /** The loop terminates: close now, on the loop thread. */
        void loopTerminating();
    }

    private static final ConcurrentHashMap<EventLoop, OpenSockets> BY_LOOP =
            new ConcurrentHashMap<>();

    private final Set<Member> members = new LinkedHashSet<>();

    private OpenSockets() {}

    /** The loop's set; created, with its termination hook, on first use. Loop thread only. */
    private static OpenSockets of(EventLoop loop) {
        OpenSockets sockets = BY_LOOP.get(loop);
        if (sockets == null) {
            OpenSockets created = new OpenSockets();
            BY_LOOP.put(loop, created);
            LoopAccess.onTerminate(loop, () -> created.closeAll(loop));
            sockets = created;
        }
        return sockets;
    }

    /** Adds a member; on the loop thread. */
    static void add(EventLoop loop, Member member) {
        of(loop).members.add(member);
    }

    /** Removes a member that closed by itself; on the loop thread. */
    static void remove(EventLoop loop, Member member) {
        OpenSockets sockets = BY_LOOP.get(loop);
        if (sockets != null) {
            sockets.members.remove(member);
        }
    }

    /**
     * Adds a member from any thread. When the loop no longer runs tasks it is closed, and the
     * member is told at once, on the calling thread.
     */
    static void register(EventLoop loop, Member member) {
        if (loop.inEventLoop()) {
            add(loop, member);
            return;
        }
        try {
            loop.execute(() -> add(loop, member));
        } catch (RejectedExecutionException closed) {
            member.loopTerminating();
        }
    }

    private void closeAll(EventLoop loop) {
        BY_LOOP.remove(loop);
        for (Member member : new ArrayList<>(members)) {
            member.loopTerminating();
        }
        members.clear();
    }
}
