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
    void argMaxTakesTheFirstOfTiedMaximaWithinTheRange() {
        float[] a = {9, 1, 7, 3, 7, 2};
        assertEquals(0, Stats.argMax(a, 0, 6));
        assertEquals(2, Stats.argMax(a, 1, 6), "ties go to the lowest index");
        assertEquals(4, Stats.argMax(a, 3, 5));
        assertEquals(5, Stats.argMax(a, 5, 6));
    }
}
