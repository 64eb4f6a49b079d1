package dev.gatun.model;

import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;

/** Streams a unidirectional stack through the fused batch-1 kernels: layer l's new h is layer l+1's input. */
final class CellStepEngine implements StepEngine {
    private final StreamingStepper[] steppers;   // [l]
    private final float[] between;               // (Hr) h of layer l feeding layer l+1
    private final float[][] hLayer;              // [l] (Hr) staging for setState
    private final float[][] cLayer;              // [l] (H)
    private final boolean lstm;

    CellStepEngine(StreamingCell[] cells, int threads, boolean lstm) {
        steppers = new StreamingStepper[cells.length];
        try {
            for (int l = 0; l < cells.length; l++) {
                steppers[l] = cells[l].newStepper(threads);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        int hr = cells[0].outputSize();
        between = new float[hr];
        hLayer = new float[cells.length][hr];
        cLayer = new float[cells.length][cells[0].hiddenSize()];
        this.lstm = lstm;
    }

    @Override
    public void step(float[] x, int xOffset, float[] out) {
        int last = steppers.length - 1;
        steppers[0].step(x, xOffset);
        for (int l = 1; l <= last; l++) {
            steppers[l - 1].h(between);
            steppers[l].step(between);
        }
        steppers[last].h(out);
    }

    @Override
    public void reset() {
        for (StreamingStepper s : steppers) {
            s.reset();
        }
    }

    @Override
    public void setState(float[] h, float[] c) {
        for (int l = 0; l < steppers.length; l++) {
            float[] hl = hLayer[l];
            System.arraycopy(h, l * hl.length, hl, 0, hl.length);
            steppers[l].setH(hl);
            if (lstm) {
                float[] cl = cLayer[l];
                if (c == null) {
                    java.util.Arrays.fill(cl, 0f);
                } else {
                    System.arraycopy(c, l * cl.length, cl, 0, cl.length);
                }
                steppers[l].setC(cl);
            }
        }
    }

    @Override
    public void state(float[] h, float[] c) {
        for (int l = 0; l < steppers.length; l++) {
            steppers[l].h(h, l * hLayer[l].length);
            if (lstm && c != null) {
                float[] cl = cLayer[l];
                steppers[l].c(cl);
                System.arraycopy(cl, 0, c, l * cl.length, cl.length);
            }
        }
    }

    @Override
    public void close() {
        for (StreamingStepper s : steppers) {
            if (s != null) {
                s.close();
            }
        }
    }
}
