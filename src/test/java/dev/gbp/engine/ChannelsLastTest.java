package dev.gbp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import org.junit.jupiter.api.Test;

/**
 * {@link ChannelsLast#of} changes only how an image batch is stored: shape and values stay, an array already laid
 * out channels-last is not copied, and libtorch's convolution and max-pooling on the result compute what a plain
 * loop over N x C x H x W computes.
 */
class ChannelsLastTest {
    @Test
    void keepsShapeAndValuesAndCopiesOnlyWhenTheLayoutChanges() {
        TorchRuntime.start(1);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, 5, 4, 3));
            float[] before = x.toFloatArray();
            NDArray laid = ChannelsLast.of(x);
            assertEquals(x.getShape(), laid.getShape());
            assertArrayEquals(before, laid.toFloatArray());
            assertArrayEquals(before, HostCopy.floats(laid));

            // From N x C x H x W: a copy, so writing to it leaves x as it was.
            laid.addi(1f);
            assertArrayEquals(before, x.toFloatArray());

            // Already channels-last: the same memory, so writing to the result writes to laid.
            float[] shifted = laid.toFloatArray();
            NDArray again = ChannelsLast.of(laid);
            assertArrayEquals(shifted, again.toFloatArray());
            again.addi(1f);
            float[] twice = laid.toFloatArray();
            for (int i = 0; i < twice.length; i++) {
                assertEquals(before[i] + 2f, twice[i], 1e-5f);
            }
            again.close();
            assertFalse(laid.isReleased());
            assertArrayEquals(twice, laid.toFloatArray());

            assertThrows(IllegalArgumentException.class, () -> ChannelsLast.of(m.zeros(new Shape(2, 3))));
        }
    }

    @Test
    void convolutionAndMaxPoolingOnTheLayoutMatchPlainLoops() {
        TorchRuntime.start(1);
        int n = 2;
        int c = 3;
        int h = 7;
        int w = 6;
        int o = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(n, c, h, w));
            NDArray k = m.randomNormal(new Shape(o, c, 3, 3));
            float[] xv = x.toFloatArray();
            float[] kv = k.toFloatArray();
            NDArray y = Conv2d.conv2d(ChannelsLast.of(x), k, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
            float[] expected = new float[n * o * h * w];
            for (int b = 0; b < n; b++) {
                for (int q = 0; q < o; q++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            double s = 0;
                            for (int p = 0; p < c; p++) {
                                for (int di = 0; di < 3; di++) {
                                    for (int dj = 0; dj < 3; dj++) {
                                        int yi = i + di - 1;
                                        int xj = j + dj - 1;
                                        if (yi >= 0 && yi < h && xj >= 0 && xj < w) {
                                            s += xv[((b * c + p) * h + yi) * w + xj] * kv[((q * c + p) * 3 + di) * 3 + dj];
                                        }
                                    }
                                }
                            }
                            expected[((b * o + q) * h + i) * w + j] = (float) s;
                        }
                    }
                }
            }
            float[] got = y.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-5f * (1 + Math.abs(expected[i])), "conv at " + i);
            }
            // The convolution's output keeps the layout; max-pooling it (2 x 2, stride 2) is a plain maximum.
            float[] pooled = Pool.maxPool2d(y, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false).toFloatArray();
            int ph = h / 2;
            int pw = w / 2;
            for (int b = 0; b < n * o; b++) {
                for (int i = 0; i < ph; i++) {
                    for (int j = 0; j < pw; j++) {
                        float best = Float.NEGATIVE_INFINITY;
                        for (int di = 0; di < 2; di++) {
                            for (int dj = 0; dj < 2; dj++) {
                                best = Math.max(best, got[(b * h + 2 * i + di) * w + 2 * j + dj]);
                            }
                        }
                        assertEquals(best, pooled[(b * ph + i) * pw + j], "pool at " + b + ", " + i + ", " + j);
                    }
                }
            }
        }
    }
}
