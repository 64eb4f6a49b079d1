package dev.gatun.cli.train;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT, SIGTERM) during training: a shutdown hook asks the training loop to stop at the next step
 * boundary and holds the JVM until the loop has saved its checkpoint (or {@code maxWait} has passed), so an
 * interrupted run loses at most the step in flight. The loop calls {@link #close()} once it has saved.
 */
public final class StopOnShutdown implements AutoCloseable {
    private final Runnable requestStop;
    private final Duration maxWait;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean triggered;
    private boolean installed;

    /**
     * @param requestStop asks the loop to stop (called on the hook's thread)
     * @param maxWait how long the hook holds the JVM for the save
     */
    public StopOnShutdown(Runnable requestStop, Duration maxWait) {
        if (requestStop == null || maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException("StopOnShutdown: requestStop and a non-negative maxWait are needed");
        }
        this.requestStop = requestStop;
        this.maxWait = maxWait;
        this.hook = new Thread(this::onShutdown, "gatun-save-on-exit");
    }

    /** Registers the hook with the JVM. */
    public StopOnShutdown install() {
        Runtime.getRuntime().addShutdownHook(hook);
        installed = true;
        return this;
    }

    /** What the hook runs: request the stop, then wait for {@link #close()}. */
    void onShutdown() {
        triggered = true;
        requestStop.run();
        try {
            done.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once a shutdown asked the loop to stop. */
    public boolean triggered() {
        return triggered;
    }

    /** The loop has finished (and saved): releases a waiting hook and unregisters it if the JVM is not exiting. */
    @Override
    public void close() {
        done.countDown();
        if (installed && !triggered) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs, finds the latch open and returns
            }
        }
    }
}
