package io.evloop.internal;

import java.util.Arrays;

/**
 * A binary min-heap of timers ordered by deadline, ties broken by the order of scheduling.
 * Each node remembers its index, so cancelling removes it at once in O(log n) instead of
 * leaving it in the heap until its deadline. Not thread-safe: the loop thread owns it.
 */
public final class TimerHeap<T extends TimerHeap.Node> {
    /**
     * A timer as the heap sees it. The deadline and sequence must not change while the node is
     * in a heap; the heap stores the node's position through {@link #heapIndex(int)}.
     */
    public interface Node {
        /** The deadline in {@link System#nanoTime()} terms. */
        long deadline();

        /** The tie-break among equal deadlines: smaller runs first. */
        long sequence();

        /** The position in the heap, or -1 when not in one. */
        int heapIndex();

        void heapIndex(int index);
    }

    private Node[] nodes = new Node[16];
    private int size;
    private long nextSequence;

    /** The sequence number for the next timer scheduled; each call returns a new one. */
    public long nextSequence() {
        return nextSequence++;
    }

    /** Adds a node; it must not be in a heap. */
    public void add(T node) {
        if (node.heapIndex() >= 0) {
            throw new IllegalStateException("timer already scheduled");
        }
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, size * 2);
        }
        node.heapIndex(size);
        nodes[size++] = node;
        siftUp(size - 1);
    }

    /** The earliest node, or null. */
    @SuppressWarnings("unchecked")
    public T peek() {
        return size == 0 ? null : (T) nodes[0];
    }

    /** Removes and returns the earliest node, or null. */
    public T poll() {
        T first = peek();
        if (first != null) {
            remove(first);
        }
        return first;
    }

    /** Removes a node if it is in this heap; returns whether it was. */
    public boolean remove(T node) {
        int i = node.heapIndex();
        if (i < 0 || i >= size || nodes[i] != node) {
            return false;
        }
        node.heapIndex(-1);
        Node last = nodes[--size];
        nodes[size] = null;
        if (i < size) {
            nodes[i] = last;
            last.heapIndex(i);
            siftDown(i);
            siftUp(last.heapIndex());
        }
        return true;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Removes every node and returns them, in no particular order. */
    @SuppressWarnings("unchecked")
    public T[] drain(T[] empty) {
        T[] all = (T[]) Arrays.copyOf(nodes, size, empty.getClass());
        for (Node n : all) {
            n.heapIndex(-1);
        }
        Arrays.fill(nodes, 0, size, null);
        size = 0;
        return all;
    }

    private static boolean before(Node a, Node b) {
        long diff = a.deadline() - b.deadline();
        return diff < 0 || (diff == 0 && a.sequence() < b.sequence());
    }

    private void siftUp(int i) {
        Node node = nodes[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Node p = nodes[parent];
            if (!before(node, p)) {
                break;
            }
            nodes[i] = p;
            p.heapIndex(i);
            i = parent;
        }
        nodes[i] = node;
        node.heapIndex(i);
    }

    private void siftDown(int i) {
        Node node = nodes[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(nodes[right], nodes[child])) {
                child = right;
            }
            if (!before(nodes[child], node)) {
                break;
            }
            nodes[i] = nodes[child];
            nodes[i].heapIndex(i);
            i = child;
        }
        nodes[i] = node;
        node.heapIndex(i);
    }
}
