package dev.gbp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void meanStdAndMedianOfHandPickedSamples() {
        assertEquals(2.5, Stats.mean(new double[] {1, 2, 3, 4}), 0);
        assertEquals(Math.sqrt(1.25), Stats.std(new double[] {1, 2, 3, 4}), 1e-15);
        assertEquals(3, Stats.median(new double[] {5, 3, 1}), 0);
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}), 0);
        assertThrows(IllegalArgumentException.class, () -> Stats.median(new double[0]));
    }

    @Test
    void quantilesInterpolateLinearlyAsNumpy() {
        // np.quantile([1, 2, 3, 4], [0, .25, .5, .75, 1]) = [1, 1.75, 2.5, 3.25, 4]
        double[] v = {4, 1, 3, 2};
        assertEquals(1, Stats.quantile(v, 0), 0);
        assertEquals(1.75, Stats.quantile(v, 0.25), 1e-15);
        assertEquals(2.5, Stats.quantile(v, 0.5), 1e-15);
        assertEquals(3.25, Stats.quantile(v, 0.75), 1e-15);
        assertEquals(4, Stats.quantile(v, 1), 0);
        // np.quantile([1, 2, 3, 4, 10], .75) = 4; np.quantile([7], .3) = 7
        assertEquals(4, Stats.quantile(new double[] {10, 1, 4, 2, 3}, 0.75), 1e-15);
        assertEquals(7, Stats.quantile(new double[] {7}, 0.3), 0);
        assertEquals(Stats.median(new double[] {5, 9, 1, 4}), Stats.quantile(new double[] {5, 9, 1, 4}, 0.5), 1e-15);
        assertEquals(4, v[0], 0, "the input is left as it was");
        assertThrows(IllegalArgumentException.class, () -> Stats.quantile(new double[0], 0.5));
        assertThrows(IllegalArgumentException.class, () -> Stats.quantile(v, 1.5));
        assertThrows(IllegalArgumentException.class, () -> Stats.quantile(new double[] {1, Double.NaN}, 0.5));
    }

    @Test
    void argMaxTakesTheFirstOfTiedMaximaWithinTheRange() {
        float[] a = {9, 1, 7, 3, 7, 2};
        assertEquals(0, Stats.argMax(a, 0, 6));
        assertEquals(2, Stats.argMax(a, 1, 6), "ties go to the lowest index");
        assertEquals(4, Stats.argMax(a, 3, 5));
        assertEquals(5, Stats.argMax(a, 5, 6));
    }
}
