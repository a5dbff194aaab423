package dev.gbp.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

/** The bounded ranking against a brute-force sort, however the images are partitioned and merged. */
class TopKTest {
    @Test
    void anyPartitionMergedInAnyOrderEqualsTheFullSort() {
        qt().withExamples(200).forAll(integers().between(1, 60), integers().between(1, 4), integers().between(1, 12),
                longs().all()).checkAssert(TopKTest::partitionedAndMerged);
    }

    /** Images in up to 7 partitions (from the seed), merged in a random order, against a brute-force sort. */
    static void partitionedAndMerged(int images, int channels, int k, long seed) {
        Random rnd = new Random(seed);
        int parts = 1 + rnd.nextInt(7);
        // Few distinct values, so ties (broken by the smaller image) are common.
        float[][] act = new float[images][channels];
        int[][] pos = new int[images][channels];
        for (int i = 0; i < images; i++) {
            for (int c = 0; c < channels; c++) {
                act[i][c] = rnd.nextInt(5) * 0.5f;
                pos[i][c] = rnd.nextInt(16);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            order.add(i);
        }
        Collections.shuffle(order, rnd);
        List<TopK> partial = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            TopK t = new TopK(channels, k);
            for (int j = images * p / parts; j < images * (p + 1) / parts; j++) {
                int i = order.get(j);
                for (int c = 0; c < channels; c++) {
                    t.offer(c, i, pos[i][c] / 4, pos[i][c] % 4, act[i][c]);
                }
            }
            partial.add(t);
        }
        Collections.shuffle(partial, rnd);
        TopK merged = partial.get(0);
        for (TopK t : partial.subList(1, partial.size())) {
            merged = rnd.nextBoolean() ? merged.merge(t) : t.merge(merged);
        }
        for (int c = 0; c < channels; c++) {
            final int ch = c;
            List<Integer> all = new ArrayList<>(order);
            all.sort(Comparator.<Integer>comparingDouble(i -> -act[i][ch]).thenComparingInt(i -> i));
            List<TopK.Entry> got = merged.channel(c);
            assertEquals(Math.min(k, images), got.size());
            for (int r = 0; r < got.size(); r++) {
                int i = all.get(r);
                assertEquals(new TopK.Entry(i, pos[i][c] / 4, pos[i][c] % 4, act[i][c]), got.get(r), "channel " + c + " rank " + r);
            }
        }
    }

    @Test
    void theFirstMaximumInRowMajorOrderIsTheCandidate() {
        qt().withExamples(50).forAll(longs().all()).checkAssert(TopKTest::firstMaximum);
    }

    static void firstMaximum(long seed) {
        Random rnd = new Random(seed);
        int n = 3;
        int channels = 2;
        int h = 3;
        int w = 4;
        float[] v = new float[n * channels * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(3);
        }
        TopK top = new TopK(channels, n);
        AtlasScan.offer(top, v, n, channels, h * w, w, 100);
        for (int c = 0; c < channels; c++) {
            for (TopK.Entry e : top.channel(c)) {
                int base = ((int) (e.image() - 100) * channels + c) * h * w;
                float max = Float.NEGATIVE_INFINITY;
                int first = -1;
                for (int p = 0; p < h * w; p++) {
                    if (v[base + p] > max) {
                        max = v[base + p];
                        first = p;
                    }
                }
                assertEquals(max, e.activation());
                assertEquals(first / w, e.y());
                assertEquals(first % w, e.x());
            }
        }
    }
}
