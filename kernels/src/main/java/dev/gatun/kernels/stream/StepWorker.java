package dev.gatun.kernels.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The second thread of a two-thread stepper, and the barrier it meets the caller at, once per phase.
 *
 * <p>{@link #run(int)}: the caller posts the phase, computes its own blocks, then either waits for the worker's
 * blocks or, if the worker has not started them yet (descheduled on a busy machine, or asleep), claims and computes
 * them itself. One compare-and-set on {@code claimed} decides who computes the worker's part, so a phase never waits
 * for a thread that is not running; the same code computes every block either way, so results do not depend on who
 * did.
 *
 * <p>Both sides spin with {@link Thread#onSpinWait()} for up to {@code gatun.stream.spinNanos} (default 50 µs) and
 * then park, so a stepper stepped continuously never sleeps and an idle one does not burn a core. Parking cannot lose
 * a wake-up: each side publishes "I am parked" and re-checks its condition before parking, while the other side
 * writes the condition before reading that flag (all volatile, so one of the two always sees the other). Nothing
 * here allocates after construction.
 */
final class StepWorker {
    private static final long SPIN_NANOS = Long.getLong("gatun.stream.spinNanos", 50_000L);
    // Parks are woken explicitly; the timeout only bounds the cost of a wake-up that never comes.
    private static final long PARK_NANOS = 10_000_000L;
    private static final VarHandle CLAIMED;

    static {
        try {
            CLAIMED = MethodHandles.lookup().findVarHandle(StepWorker.class, "claimed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IntConsumer callerPart;
    private final IntConsumer workerPart;
    private final Thread thread;
    private volatile long posted;       // phases posted by the caller
    private volatile long claimed;      // phases whose worker part someone has started (CAS from posted - 1)
    private volatile long finished;     // phases whose worker part the worker thread has finished
    private volatile int phase;         // argument of the latest post
    private volatile boolean stopping;
    private volatile boolean workerParked;
    private volatile boolean callerParked;
    private volatile Thread caller;
    private volatile Throwable failure;

    /** Starts a daemon thread that computes {@code workerPart} of posted phases. */
    StepWorker(IntConsumer callerPart, IntConsumer workerPart, String name) {
        this.callerPart = callerPart;
        this.workerPart = workerPart;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs both parts of {@code phase} and returns when both are done; rethrows a failure of either. */
    void run(int phase) {
        long seq = posted + 1;
        this.phase = phase;
        posted = seq;                               // publishes the phase and everything written before it
        if (workerParked) {
            LockSupport.unpark(thread);
        }
        boolean ownPartDone = false;
        try {
            callerPart.accept(phase);
            ownPartDone = true;
        } finally {
            if (CLAIMED.compareAndSet(this, seq - 1, seq)) {
                if (ownPartDone) {
                    workerPart.accept(phase);      // the worker had not started: do its blocks here
                }
            } else {
                awaitWorker(seq);
            }
        }
    }

    /** Stops the worker thread and waits for it to end. The caller must not be inside {@link #run}. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitWorker(long seq) {
        long start = 0;
        for (int n = 1; finished != seq; n++) {
            if ((n & 63) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long now = System.nanoTime();
            if (start == 0) {
                start = now;
            } else if (now - start > SPIN_NANOS) {
                caller = Thread.currentThread();
                callerParked = true;
                if (finished != seq) {
                    LockSupport.parkNanos(PARK_NANOS);
                }
                callerParked = false;
            }
        }
        Throwable t = failure;
        if (t != null) {
            failure = null;
            throw new IllegalStateException("streaming worker thread failed: " + t, t);
        }
    }

    private void loop() {
        long seen = 0;
        while (true) {
            long start = 0;
            for (int n = 1; posted == seen && !stopping; n++) {
                if ((n & 63) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                long now = System.nanoTime();
                if (start == 0) {
                    start = now;
                } else if (now - start > SPIN_NANOS) {
                    workerParked = true;
                    if (posted == seen && !stopping) {
                        LockSupport.parkNanos(PARK_NANOS);
                    }
                    workerParked = false;
                }
            }
            if (stopping) {
                return;
            }
            long seq = posted;
            seen = seq;
            if (CLAIMED.compareAndSet(this, seq - 1, seq)) {
                try {
                    workerPart.accept(phase);
                } catch (Throwable t) {
                    failure = t;
                }
                finished = seq;
                if (callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
