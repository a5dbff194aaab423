package dev.gbp.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
            long found = TargetSelector.argMaxAndRunnerUp(java.nio.FloatBuffer.wrap(a), from, to);
            assertEquals(best, (int) (found >>> 32), "arg-max of case " + t);
            assertEquals(competitor == 0f ? 0f : competitor, Float.intBitsToFloat((int) found) == 0f ? 0f
                    : Float.intBitsToFloat((int) found), "runner-up of case " + t);
        }
    }
}
