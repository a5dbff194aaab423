package dev.gbp.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.metrics.Stats;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-pass arg-max and runner-up against the two passes it replaced, on arrays full of ties. */
class TargetSelectorTest {
    @Test
    void onePassGivesTheFirstMaximumAndTheLargestOtherValue() {
        Random r = new Random(11);
        for (int t = 0; t < 5000; t++) {
            int n = 1 + r.nextInt(40);
            float[] a = new float[n + 3];
            for (int k = 0; k < a.length; k++) {
                // Few distinct values, so that maxima and runners-up tie often; signed zeros and infinities too.
                a[k] = switch (r.nextInt(8)) {
                    case 0 -> -0f;
                    case 1 -> 0f;
                    case 2 -> Float.NEGATIVE_INFINITY;
                    case 3 -> Float.POSITIVE_INFINITY;
                    default -> r.nextInt(5) - 2;
                };
            }
            int from = r.nextInt(3);
            int to = from + n;
            int best = Stats.argMax(a, from, to);
            float competitor = Float.NEGATIVE_INFINITY;
            for (int k = from; k < to; k++) {
                if (k != best && a[k] > competitor) {
                    competitor = a[k];
                }
            }
            long found = TargetSelector.argMaxAndRunnerUp(a, from, to);
            assertEquals(best, (int) (found >>> 32), "arg-max of case " + t);
            assertEquals(competitor == 0f ? 0f : competitor, Float.intBitsToFloat((int) found) == 0f ? 0f
                    : Float.intBitsToFloat((int) found), "runner-up of case " + t);
        }
    }

    /**
     * The engine's choice of a max-neuron target (arg-max, top two, the value at the arg-max) against the selector's
     * scan, on batches full of ties, signed zeros and infinities; a NaN anywhere hands the batch back to the scan.
     */
    @Test
    void maxNeuronOnTheEngineChoosesAsTheScan() {
        TorchRuntime.start(1);
        Random r = new Random(12);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int t = 0; t < 300; t++) {
                int n = 1 + r.nextInt(6);
                long[] dims = {1 + r.nextInt(4), 1 + r.nextInt(5), 1 + r.nextInt(5)};
                int per = (int) (dims[0] * dims[1] * dims[2]);
                float[] a = new float[n * per];
                int kinds = 3 + r.nextInt(6);
                for (int k = 0; k < a.length; k++) {
                    a[k] = switch (r.nextInt(kinds)) {
                        case 0 -> -0f;
                        case 1 -> 0f;
                        case 2 -> Float.NEGATIVE_INFINITY;
                        case 3 -> Float.POSITIVE_INFINITY;
                        default -> r.nextInt(4) * 0.5f;
                    };
                }
                NDArray out = m.create(a, new Shape(n, dims[0], dims[1], dims[2]));
                NeuronChoice[] device = Selection.maxOnDevice(out, 7, dims, n);
                if (per < 2) {
                    assertNull(device, "a single value per image is left to the scan");
                    continue;
                }
                assertArrayEquals(TargetSelector.select(new Target.MaxNeuron("x", false), 7, a, dims, n), device,
                        "case " + t);
                a[r.nextInt(a.length)] = Float.NaN;
                assertNull(Selection.maxOnDevice(m.create(a, out.getShape()), 7, dims, n), "NaN in case " + t);
            }
        }
    }
}
