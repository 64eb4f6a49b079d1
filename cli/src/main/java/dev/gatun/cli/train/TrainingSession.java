package dev.gatun.cli.train;

import dev.gatun.train.Checkpoint;
import dev.gatun.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Training as the commands do it: the loop, then always a checkpoint ({@code model.safetensors}) and the loss curve
 * ({@code loss.png}) in the output folder, also when Ctrl-C ended the run ({@link StopOnShutdown}).
 */
public final class TrainingSession {
    /** The checkpoint's file name in the output folder. */
    public static final String CHECKPOINT = "model.safetensors";
    /** The loss curve's file name in the output folder. */
    public static final String LOSS_PNG = "loss.png";

    /**
     * What a session produced.
     *
     * @param result the run
     * @param checkpoint where the checkpoint went
     * @param lossCurve where the picture went (null when the run took no step)
     * @param interrupted a shutdown (Ctrl-C) stopped the run
     */
    public record Outcome(TrainingLoop.Result result, Path checkpoint, Path lossCurve, boolean interrupted) {}

    private TrainingSession() {}

    /**
     * Runs the trainer, then saves. The caller closes {@code stop} once it has reported the outcome: a shutdown hook
     * waiting on it keeps the JVM alive until then.
     *
     * @param extra called after every step as well (tests), or null
     */
    public static Outcome run(Trainer trainer, TrainingLoop.Settings settings, Path dir, String title,
                              PrintWriter out, PrintStream barStream, StopOnShutdown stop,
                              Trainer.StepListener extra) throws IOException {
        Files.createDirectories(dir);
        TrainingLoop.Result r = TrainingLoop.run(trainer, settings, out, barStream, extra);
        Path checkpoint = dir.resolve(CHECKPOINT);
        Checkpoint.save(checkpoint, trainer);
        Path png = null;
        if (r.steps() > 0) {
            png = dir.resolve(LOSS_PNG);
            LossCurve.write(png, title, r.firstStep() + 1, r.losses(), r.steps());
        }
        return new Outcome(r, checkpoint, png, stop.triggered());
    }
}
