package dev.gbp.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gbp.metrics.Stats;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-pass arg-max and runner-up against the two passes it replaced, and the in-place scan of a channels-last layer
 * against the scan of the same values in c, y, x order, on arrays full of ties.
 */
class TargetSelectorTest {
    @Test
    void channelsLastScanChoosesAsTheScanInChannelOrder() {
        Random r = new Random(12);
        for (int t = 0; t < 400; t++) {
            boolean large = t % 20 == 0; // positions read in several blocks
            int n = 1 + r.nextInt(large ? 2 : 4);
            int c = 1 + r.nextInt(large ? 200 : 6);
            int h = 1 + r.nextInt(large ? 40 : 5);
            int w = 1 + r.nextInt(large ? 40 : 5);
            float[] cyx = new float[n * c * h * w];
            for (int k = 0; k < cyx.length; k++) {
                cyx[k] = switch (r.nextInt(8)) {
                    case 0 -> -0f;
                    case 1 -> 0f;
                    case 2 -> 6f; // ReLU6's ceiling: many tied maxima
                    case 3 -> Float.NEGATIVE_INFINITY;
                    default -> r.nextInt(4) - 1;
                };
            }
            float[] yxc = new float[cyx.length];
            for (int m = 0; m < n; m++) {
                for (int k = 0; k < c; k++) {
                    for (int p = 0; p < h * w; p++) {
                        yxc[(m * h * w + p) * c + k] = cyx[(m * c + k) * h * w + p];
                    }
                }
            }
            Target target = new Target.MaxNeuron(null, false);
            NeuronChoice[] expected = TargetSelector.select(target, 3, java.nio.FloatBuffer.wrap(cyx),
                    new long[] {c, h, w}, n);
            for (int threads : new int[] {1, 3}) {
                NeuronChoice[] got = TargetSelector.maxNeuronChannelsLast(3, java.nio.FloatBuffer.wrap(yxc), c, h, w, n,
                        threads);
                for (int m = 0; m < n; m++) {
                    NeuronChoice e = expected[m];
                    NeuronChoice g = got[m];
                    String where = "case " + t + ", image " + m;
                    assertEquals(List.of(e.c(), e.y(), e.x()), List.of(g.c(), g.y(), g.x()), where);
                    assertEquals(e.activation(), g.activation(), where); // 0 and -0 told apart
                    assertEquals(e.gap() == 0f ? 0f : e.gap(), g.gap() == 0f ? 0f : g.gap(), where);
                }
            }
        }
    }

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
            long found = TargetSelector.argMaxAndRunnerUp(java.nio.FloatBuffer.wrap(a), from, to);
            assertEquals(best, (int) (found >>> 32), "arg-max of case " + t);
            assertEquals(competitor == 0f ? 0f : competitor, Float.intBitsToFloat((int) found) == 0f ? 0f
                    : Float.intBitsToFloat((int) found), "runner-up of case " + t);
        }
    }
}
