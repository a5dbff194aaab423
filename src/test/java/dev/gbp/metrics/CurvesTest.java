package dev.gbp.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CurvesTest {
    @Test
    void aucOfALinearRampIsHalf() {
        for (int n : new int[] {2, 3, 11, 101}) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = i / (double) (n - 1);
            }
            assertEquals(0.5, Curves.auc(y), 1e-12, "n = " + n);
        }
    }

    @Test
    void aucOfAConstantIsTheConstant() {
        assertEquals(0.37, Curves.auc(new double[] {0.37, 0.37, 0.37, 0.37, 0.37}), 1e-12);
        assertEquals(-2, Curves.auc(new double[] {-2, -2}), 1e-12);
    }

    @Test
    void aucIsTheTrapezoidRule() {
        // Points at 0, 1/3, 2/3, 1: (0 + 1)/2/3 + (1 + 0)/2/3 + (0 + 0.5)/2/3 = (0.5 + 0.5 + 0.25) / 3.
        assertEquals(1.25 / 3, Curves.auc(new double[] {0, 1, 0, 0.5}), 1e-12);
    }

    @Test
    void aucNeedsTwoPoints() {
        assertThrows(IllegalArgumentException.class, () -> Curves.auc(new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Curves.auc(new double[0]));
    }

    @Test
    void rankPixelsSortsDescendingWithTiesByIndex() {
        float[] s = {0.5f, 2, 0.5f, -1, 2, 0, 0.5f, -0f};
        // 2 at 1, 4; 0.5 at 0, 2, 6; 0 and -0 at 5, 7 (equal); -1 at 3.
        assertArrayEquals(new int[] {1, 4, 0, 2, 6, 5, 7, 3}, Curves.rankPixels(s));
        float[] zeros = new float[6];
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, Curves.rankPixels(zeros));
        assertArrayEquals(new int[0], Curves.rankPixels(new float[0]));
    }

    @Test
    void rankPixelsRejectsNaN() {
        assertThrows(IllegalArgumentException.class, () -> Curves.rankPixels(new float[] {1, Float.NaN}));
    }

    /*
     * c = np.array([[1, 2, 3], [3, 2, 5], [2, 8, 1]])
     * c.mean(axis=0) -> [2, 4, 3]; c.std(axis=0) -> [0.816496580927726, 2.8284271247461903, 1.632993161855452]
     */
    @Test
    void meanAndPopulationStdPerPoint() {
        double[][] c = {{1, 2, 3}, {3, 2, 5}, {2, 8, 1}};
        assertArrayEquals(new double[] {2, 4, 3}, Curves.mean(c), 1e-12);
        assertArrayEquals(new double[] {0.816496580927726, 2.8284271247461903, 1.632993161855452}, Curves.std(c), 1e-12);
        assertArrayEquals(new double[] {0, 0}, Curves.std(new double[][] {{4, 5}}), 0);
    }

    @Test
    void meanRejectsRaggedOrEmptyInput() {
        assertThrows(IllegalArgumentException.class, () -> Curves.mean(new double[][] {{1, 2}, {1}}));
        assertThrows(IllegalArgumentException.class, () -> Curves.std(new double[0][]));
    }
}
