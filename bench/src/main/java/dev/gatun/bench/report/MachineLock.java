package dev.gatun.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * JMH's machine-wide lock ({@code ${java.io.tmpdir}/jmh.lock}): JMH refuses to start while another JMH run holds it,
 * so that two benchmark runs never disturb each other. The report waits for it instead of failing, and holds it while
 * its peers run too, so that the peers' figures are as undisturbed as Gatun's.
 */
final class MachineLock {
    static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
    /** How long to wait for another run before giving up on a scenario. */
    static final Duration PATIENCE = Duration.ofMinutes(30);
    private static final long POLL_MILLIS = 5_000;

    private final PrintStream console;

    MachineLock(PrintStream console) {
        this.console = console;
    }

    /**
     * Waits until no other run holds the lock, then runs {@code work} holding it, or with {@code hold} false
     * releases it first (for JMH's {@code Runner}, which takes the lock itself).
     *
     * @return what {@code work} returned, or {@code null} when the lock stayed taken for {@link #PATIENCE}
     */
    <T> T await(boolean hold, Supplier<T> work) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        boolean told = false;
        try (FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    if (!hold) {
                        lock.release();
                        return work.get();
                    }
                    try (lock) {
                        return work.get();
                    }
                }
                if (System.nanoTime() > deadline) {
                    return null;
                }
                if (!told) {
                    console.println("      waiting for another JMH run to finish (" + FILE + " is locked)...");
                    told = true;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            console.println("      cannot use " + FILE + " (" + e.getMessage() + "); running without it");
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** {@return whether a JMH failure means that another run took the lock first} */
    static boolean lostRace(String problem) {
        return problem != null && problem.contains("Unable to acquire the JMH lock");
    }
}
