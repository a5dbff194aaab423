package dev.gbp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.gbp.GbpInputException;
import dev.gbp.data.CifarImages;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TrainerTest {
    /**
     * Synthetic images whose class is the position of a bright 8x8 square (one of four quadrants) in
     * noise, with its colour random: a convolutional net must learn it; chance is 25 %.
     */
    static CifarImages quadrants(int n, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[n * CifarImages.PIXELS];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(4);
            labels[i] = label;
            int oy = (label / 2) * 16 + r.nextInt(8);
            int ox = (label % 2) * 16 + r.nextInt(8);
            int channel = r.nextInt(3);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int v = 60 + r.nextInt(60);
                        if (c == channel && y >= oy && y < oy + 8 && x >= ox && x < ox + 8) {
                            v = 230;
                        }
                        px[i * CifarImages.PIXELS + (c * 32 + y) * 32 + x] = (byte) v;
                    }
                }
            }
        }
        return new CifarImages(px, labels, List.of("tl", "tr", "bl", "br"));
    }

    @Test
    void shortTrainingOnSyntheticDataClearlyLearns() {
        TorchRuntime.start(1);
        ModelSpec spec = new ModelSpec(new int[] {3, 32, 32}, List.of("tl", "tr", "bl", "br"),
                new float[] {0.35f, 0.35f, 0.35f}, new float[] {0.2f, 0.2f, 0.2f},
                List.of(LayerSpec.conv2d("conv1", 3, 8, 3, 1, 1, false), LayerSpec.batchNorm2d("bn1", 8),
                        LayerSpec.relu("r1"), LayerSpec.maxPool(4, 4, 0),
                        LayerSpec.conv2d("conv2", 8, 16, 3, 1, 1, true), LayerSpec.relu("r2"),
                        LayerSpec.maxPool(2, 2, 0), LayerSpec.flatten(), LayerSpec.linear("fc", 16 * 16, 4, true)));
        CifarImages train = quadrants(1024, 1);
        CifarImages test = quadrants(256, 2);
        // Flips would move the square to the other quadrant, so train without augmentation here. Test accuracy is
        // measured after epochs 2 and 3 (every second epoch and the last) only.
        TrainConfig config = new TrainConfig(3, 64, 0.05, 5e-4, 0.9, 0.0, 0.2, 3, 2);
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.create(spec, root, 3)) {
            double before = Trainer.accuracy(net, test);
            List<EpochStats> history = new Trainer(config, new Trainer.Listener() {}, false).train(net, train, test);
            assertEquals(3, history.size());
            assertTrue(Double.isNaN(history.get(0).testAccuracy()), "no test pass after epoch 1");
            assertTrue(history.get(1).testAccuracy() >= 0, "a test pass after epoch 2");
            double after = history.get(2).testAccuracy();
            assertTrue(after > 0.9, "test accuracy after training " + after + " (before " + before + ")");
            assertTrue(history.get(2).loss() < history.get(0).loss(), "loss falls");
            assertEquals(after, Trainer.accuracy(net, test), 1e-12, "reported accuracy is the inference-mode accuracy");
        }
    }

    private static ModelSpec smallNet(boolean endsInLinear) {
        List<LayerSpec> layers = new java.util.ArrayList<>(List.of(LayerSpec.conv2d("conv1", 3, 16, 3, 1, 1, true),
                LayerSpec.relu("r1"), LayerSpec.maxPool(8, 8, 0), LayerSpec.flatten(), LayerSpec.linear("fc", 16 * 16, 4, true)));
        if (!endsInLinear) {
            layers.add(LayerSpec.relu("r2"));
        }
        return new ModelSpec(new int[] {3, 32, 32}, List.of("tl", "tr", "bl", "br"),
                new float[] {0.35f, 0.35f, 0.35f}, new float[] {0.2f, 0.2f, 0.2f}, layers);
    }

    /**
     * A logit scale: the first step's loss is the cross-entropy of the scaled logits, computed here from an
     * identically seeded network (one batch holds every image, so the shuffle cannot matter, and a network without
     * BatchNorm computes the same in training mode), and folding the scale multiplies the logits by it exactly.
     */
    @Test
    void logitScaleEntersTheLossAndIsFoldedIntoTheLastLinearLayer() {
        TorchRuntime.start(1);
        float s = 0.125f;
        CifarImages train = quadrants(64, 5);
        TrainConfig config = new TrainConfig(1, 64, 1e-9, 0, 0.9, 0.0, 0.2, 3, 1, 0, s);
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.create(smallNet(true), root, 4);
                Network same = Network.create(smallNet(true), root, 4)) {
            float[] logits = logits(same, train);
            double want = 0;
            for (int i = 0; i < 64; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 4; k++) {
                    max = Math.max(max, s * logits[i * 4 + k]);
                }
                double z = 0;
                for (int k = 0; k < 4; k++) {
                    z += Math.exp(s * logits[i * 4 + k] - max);
                }
                want += (max + Math.log(z) - s * logits[i * 4 + train.label(i)]) / 64;
            }
            double[] firstLoss = {Double.NaN};
            new Trainer(config, new Trainer.Listener() {
                @Override
                public void stepDone(int epoch, int step, double loss, double accuracy, double imagesPerSecond) {
                    firstLoss[0] = loss;
                }
            }, false).train(net, train, null);
            assertEquals(want, firstLoss[0], 1e-5 * Math.abs(want), "the loss of the scaled logits");

            float[] before = logits(same, train);
            Trainer.foldScale(same, same.size() - 1, s);
            float[] after = logits(same, train);
            for (int i = 0; i < before.length; i++) {
                assertEquals(s * before[i], after[i], 1e-6 * (1 + Math.abs(before[i])), "logit " + i);
            }
        }
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.create(smallNet(false), root, 4)) {
            GbpInputException e = assertThrows(GbpInputException.class,
                    () -> new Trainer(config, new Trainer.Listener() {}, false).train(net, train, null));
            assertEquals("logitScale", e.parameter());
            assertTrue(e.getMessage().contains("r2") && e.getMessage().contains("relu"), e.getMessage());
        }
    }

    /** A loss that is no longer finite stops training at once with an input error about the learning rate. */
    @Test
    void aDivergingLossStopsTrainingWithAnErrorNamingTheStep() {
        TorchRuntime.start(1);
        CifarImages train = quadrants(64, 6);
        TrainConfig config = new TrainConfig(2, 32, 0.05, 0, 0.9, 0.0, 0.2, 3, 1);
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.create(smallNet(true), root, 4)) {
            Trainer.foldScale(net, net.size() - 1, Float.POSITIVE_INFINITY); // the logits become NaN: so does the loss
            int[] steps = {0};
            GbpInputException e = assertThrows(GbpInputException.class, () -> new Trainer(config, new Trainer.Listener() {
                @Override
                public void stepDone(int epoch, int step, double loss, double accuracy, double imagesPerSecond) {
                    steps[0]++;
                }
            }, false).train(net, train, null));
            assertEquals("lr", e.parameter());
            assertTrue(e.getMessage().contains("NaN at epoch 1, step 1"), e.getMessage());
            assertEquals(0, steps[0], "no step completed");
        }
    }

    private static float[] logits(Network net, CifarImages images) {
        try (NDManager m = net.manager().newSubManager()) {
            return net.forward(net.preprocess(m, images, 0, images.size()), false).toFloatArray();
        }
    }

    @Test
    void oneCycleRisesThenFallsToZero() {
        OneCycleSchedule s = new OneCycleSchedule(1.0, 100, 0.2, 0.1);
        assertEquals(0.1, s.at(0), 1e-12);
        assertEquals(1.0, s.at(20), 1e-12);
        assertEquals(0.5, s.at(60), 1e-12);
        assertTrue(s.at(99) < 0.02);
    }

    /** Issue 10: hyper-parameters out of range, NaN and infinities included, are input errors named as in the Java API. */
    @Test
    void badHyperParametersAreInputErrorsNamedByTheirJavaNames() {
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("epochs", () -> new TrainConfig(0, 64, 0.05, 5e-4, 0.9, 0.0, 0.2, 3));
        calls.put("batchSize", () -> new TrainConfig(1, 0, 0.05, 5e-4, 0.9, 0.0, 0.2, 3));
        calls.put("lr", () -> new TrainConfig(1, 64, Double.POSITIVE_INFINITY, 5e-4, 0.9, 0.0, 0.2, 3));
        calls.put("weightDecay", () -> new TrainConfig(1, 64, 0.05, Double.NaN, 0.9, 0.0, 0.2, 3));
        calls.put("momentum", () -> new TrainConfig(1, 64, 0.05, 5e-4, Double.NaN, 0.0, 0.2, 3));
        calls.put("warmupFraction", () -> new TrainConfig(1, 64, 0.05, 5e-4, 0.9, 0.0, 2, 3));
        calls.put("testEvery", () -> new TrainConfig(1, 64, 0.05, 5e-4, 0.9, 0.0, 0.2, 3, 0));
        calls.put("logitScale", () -> new TrainConfig(1, 64, 0.05, 5e-4, 0.9, 0.0, 0.2, 3, 1, 0, 0));
        calls.put("totalSteps", () -> new OneCycleSchedule(1, 0, 0.2, 0.1));
        calls.forEach((name, call) -> {
            GbpInputException e = assertThrows(GbpInputException.class, call, name);
            assertEquals(name, e.parameter());
            assertFalse(e.getMessage().contains("--"), e.getMessage());
        });
    }
}
