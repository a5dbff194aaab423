package dev.gbp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gbp.TestFiles;
import dev.gbp.data.CifarImages;
import dev.gbp.engine.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkTest {
    static NDManager root;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        TorchRuntime.start(1);
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        root.close();
    }

    /** conv(1->1, 2x2, no padding) -> relu -> maxpool 2 -> flatten -> linear(1->2), hand-set. */
    static ModelSpec tinySpec() {
        return new ModelSpec(new int[] {1, 3, 3}, List.of("a", "b"), new float[] {0}, new float[] {1},
                List.of(LayerSpec.conv2d("c", 1, 1, 2, 1, 0, true), LayerSpec.relu("r"), LayerSpec.maxPool(2, 2, 0),
                        LayerSpec.flatten(), LayerSpec.linear("fc", 1, 2, true)));
    }

    @Test
    void forwardOfAHandSetNetworkEqualsHandComputation() {
        try (Network net = Network.create(tinySpec(), root, 1)) {
            Map<String, NpyArray> w = new HashMap<>();
            w.put("c.weight", new NpyArray(new long[] {1, 1, 2, 2}, new float[] {1, -1, 2, 0}));
            w.put("c.bias", new NpyArray(new long[] {1}, new float[] {0.5f}));
            w.put("fc.weight", new NpyArray(new long[] {2, 1}, new float[] {2, -3}));
            w.put("fc.bias", new NpyArray(new long[] {2}, new float[] {1, 0}));
            net.setWeights(w, "test");
            // x = [[1,2,3],[4,5,6],[7,8,9]]; conv at (i,j): x[i][j] - x[i][j+1] + 2 x[i+1][j] + 0.5
            // = [[1-2+8+.5, 2-3+10+.5], [4-5+14+.5, 5-6+16+.5]] = [[7.5, 9.5], [13.5, 15.5]]
            // relu: same; maxpool 2x2 -> 15.5; linear -> [2*15.5+1, -3*15.5] = [32, -46.5]
            NDArray x = root.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new Shape(1, 1, 3, 3));
            assertArrayEquals(new float[] {32f, -46.5f}, net.forward(x, false).toFloatArray(), 1e-6f);
            NDArray conv = net.forwardLayer(0, x, false);
            assertArrayEquals(new float[] {7.5f, 9.5f, 13.5f, 15.5f}, conv.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void forwardEachGivesWhatForwardToGivesAtEveryNodeTheLastOneReads() {
        ModelSpec spec = new ModelSpec(new int[] {3, 8, 8}, List.of("a", "b"), new float[] {0, 0, 0},
                new float[] {1, 1, 1}, List.of(
                LayerSpec.conv2d("c1", 3, 4, 3, 1, 1, true).withInputs("input"),
                LayerSpec.conv2d("side", 3, 4, 1, 1, 0, true).withInputs("input"),
                LayerSpec.relu("r1").withInputs("c1"),
                LayerSpec.add("sum", "r1", "c1"),
                LayerSpec.add("both", "sum", "side"),
                LayerSpec.flatten().withName("flat").withInputs("both"),
                LayerSpec.linear("fc", 4 * 8 * 8, 2, true).withInputs("flat")));
        try (Network net = Network.create(spec, root, 3)) {
            NDArray x = root.create(TestFiles.randomFloats(2 * 3 * 8 * 8, 4), new Shape(2, 3, 8, 8));
            NDArray[] each = net.forwardEach(x, 3); // "sum" reads c1 and r1, not "side"
            assertEquals(4, each.length);
            assertEquals(null, each[1]);
            for (int i : new int[] {0, 2, 3}) {
                assertArrayEquals(net.forwardTo(x, i).toFloatArray(), each[i].toFloatArray(), "node " + i);
            }
            NDArray[] all = net.forwardEach(x, spec.layers().size() - 1);
            for (int i = 0; i < all.length; i++) {
                assertArrayEquals(net.forwardTo(x, i).toFloatArray(), all[i].toFloatArray(), "node " + i);
            }
        }
    }

    @Test
    void batchNormUsesRunningStatisticsInInferenceMode() {
        ModelSpec spec = new ModelSpec(new int[] {2, 1, 1}, List.of("a", "b"), new float[] {0, 0}, new float[] {1, 1},
                List.of(LayerSpec.batchNorm2d("bn", 2), LayerSpec.flatten()));
        try (Network net = Network.create(spec, root, 1)) {
            Map<String, NpyArray> w = new HashMap<>();
            w.put("bn.weight", new NpyArray(new long[] {2}, new float[] {2, 0.5f}));
            w.put("bn.bias", new NpyArray(new long[] {2}, new float[] {1, -1}));
            w.put("bn.running_mean", new NpyArray(new long[] {2}, new float[] {3, -2}));
            w.put("bn.running_var", new NpyArray(new long[] {2}, new float[] {4, 0.25f}));
            net.setWeights(w, "test");
            NDArray x = root.create(new float[] {5, 1, -1, 0}, new Shape(2, 2, 1, 1));
            float eps = 1e-5f;
            float[] expected = {
                (float) ((5 - 3) / Math.sqrt(4 + eps) * 2 + 1), (float) ((1 + 2) / Math.sqrt(0.25 + eps) * 0.5 - 1),
                (float) ((-1 - 3) / Math.sqrt(4 + eps) * 2 + 1), (float) ((0 + 2) / Math.sqrt(0.25 + eps) * 0.5 - 1)};
            assertArrayEquals(expected, net.forward(x, false).toFloatArray(), 1e-5f);
            // Twice the same: inference never updates the running statistics.
            assertArrayEquals(expected, net.forward(x, false).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void numpyBundleLoadsAndPredictsWhatNumpyComputed() {
        Path fixtures = Path.of("src/test/resources/fixtures");
        Map<String, NpyArray> expected = Npz.read(fixtures.resolve("numpy-bundle-expected.npz"));
        try (Network net = Network.load(fixtures.resolve("numpy-bundle"), root)) {
            NpyArray in = expected.get("input");
            NDArray x = root.create(in.data(), new Shape(in.shape()));
            float[] logits = net.forward(x, false).toFloatArray();
            assertArrayEquals(expected.get("logits").data(), logits, 1e-4f);
            float[] classes = expected.get("classes").data();
            for (int i = 0; i < classes.length; i++) {
                int best = 0;
                for (int c = 1; c < 3; c++) {
                    if (logits[i * 3 + c] > logits[i * 3 + best]) {
                        best = c;
                    }
                }
                assertEquals((int) classes[i], best, "image " + i);
            }
            // The preprocessing from pixels gives numpy's normalised input.
            NpyArray px = expected.get("pixels");
            assertArrayEquals(in.data(), preprocessed(net, px), 1e-6f);
        }
    }

    private static float[] preprocessed(Network net, NpyArray pixels) {
        // The fixture is 8x8; build the same normalisation as Network.preprocess does for 32x32.
        float[] mean = net.spec().mean();
        float[] std = net.spec().std();
        float[] p = pixels.data();
        float[] out = new float[p.length];
        int plane = 64;
        for (int i = 0; i < p.length; i++) {
            int c = (i / plane) % 3;
            out[i] = (p[i] / 255f - mean[c]) / std[c];
        }
        return out;
    }

    @Test
    void saveLoadSaveGivesIdenticalArraysAndOutputs() throws Exception {
        ModelSpec spec = DefaultArchitecture.cifar10();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        CifarImages images = new CifarImages(pixelsOf(4), new int[] {0, 1, 2, 3},
                CifarImages.DEFAULT_CLASSES);
        float[] first;
        try (Network net = Network.create(spec, root, 7)) {
            // Give the running statistics non-trivial values so the round trip covers them.
            Map<String, NpyArray> w = net.weights();
            w.replaceAll((k, v) -> k.endsWith("running_var") ? new NpyArray(v.shape(), TestFiles.randomFloats(v.data().length, 3))
                    : v);
            w.replaceAll((k, v) -> k.endsWith("running_var") ? abs(v) : v);
            net.setWeights(w, "test");
            net.save(a);
            first = net.forward(net.preprocess(root, images, 0, 4), false).toFloatArray();
        }
        try (Network net = Network.load(a, root)) {
            net.save(b);
            assertArrayEquals(first, net.forward(net.preprocess(root, images, 0, 4), false).toFloatArray(), 0f);
        }
        assertArrayEquals(Files.readAllBytes(a.resolve("weights.npz")), Files.readAllBytes(b.resolve("weights.npz")));
        assertEquals(Files.readString(a.resolve("model.json")), Files.readString(b.resolve("model.json")));
    }

    private static NpyArray abs(NpyArray v) {
        float[] d = v.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.abs(d[i]) + 0.1f;
        }
        return new NpyArray(v.shape(), d);
    }

    private static byte[] pixelsOf(int n) {
        byte[] recs = TestFiles.records(n, 11);
        byte[] px = new byte[n * CifarImages.PIXELS];
        for (int i = 0; i < n; i++) {
            System.arraycopy(recs, i * CifarImages.RECORD_BYTES + 1, px, i * CifarImages.PIXELS, CifarImages.PIXELS);
        }
        return px;
    }

    @Test
    void badWeightArchivesNameTheLayerAndArray() throws Exception {
        try (Network net = Network.create(tinySpec(), root, 1)) {
            Map<String, NpyArray> good = net.weights();

            Map<String, NpyArray> missing = new HashMap<>(good);
            missing.remove("fc.bias");
            String m = assertThrows(ModelException.class, () -> net.setWeights(missing, "w.npz")).getMessage();
            assertTrue(m.contains("layer 4 'fc'") && m.contains("fc.bias"), m);

            Map<String, NpyArray> misshapen = new HashMap<>(good);
            misshapen.put("c.weight", new NpyArray(new long[] {1, 1, 3, 3}, new float[9]));
            m = assertThrows(ModelException.class, () -> net.setWeights(misshapen, "w.npz")).getMessage();
            assertTrue(m.contains("layer 0 'c'") && m.contains("[1, 1, 3, 3]") && m.contains("[1, 1, 2, 2]"), m);

            Map<String, NpyArray> wrongType = new HashMap<>(good);
            wrongType.put("c.bias", new NpyArray("<f8", new long[] {1}, null));
            m = assertThrows(ModelException.class, () -> net.setWeights(wrongType, "w.npz")).getMessage();
            assertTrue(m.contains("layer 0 'c'") && m.contains("<f8") && m.contains("float32"), m);

            Map<String, NpyArray> extra = new HashMap<>(good);
            extra.put("c.running_mean", new NpyArray(new long[] {1}, new float[1]));
            m = assertThrows(ModelException.class, () -> net.setWeights(extra, "w.npz")).getMessage();
            assertTrue(m.contains("not used") && m.contains("c.running_mean"), m);
        }
    }

    @Test
    void batchNormUpdateCountersOfAPyTorchStateDictAreIgnored() throws Exception {
        ModelSpec spec = new ModelSpec(new int[] {1, 3, 3}, List.of("a", "b"), new float[] {0}, new float[] {1},
                List.of(LayerSpec.conv2d("c", 1, 2, 2, 1, 0, false), LayerSpec.batchNorm2d("bn", 2), LayerSpec.relu("r"),
                        LayerSpec.flatten(), LayerSpec.linear("fc", 8, 2, true)));
        try (Network net = Network.create(spec, root, 1)) {
            Map<String, NpyArray> exported = new HashMap<>(net.weights());
            // As torch.save(model.state_dict()) then numpy: an int64 scalar per BatchNorm.
            byte[] counter = Npy.toBytes(new NpyArray(new long[0], new float[] {0}));
            String header = new String(counter, java.nio.charset.StandardCharsets.ISO_8859_1).replace("'<f4'", "'<i8'");
            byte[] int64 = java.util.Arrays.copyOf(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    counter.length + 4);
            NpyArray parsed = Npy.parse(int64, "bn.num_batches_tracked.npy");
            assertEquals("<i8", parsed.dtype());
            exported.put("bn.num_batches_tracked", parsed);
            net.setWeights(exported, "state_dict.npz");

            exported.put("c.num_batches_tracked", parsed);
            String m = assertThrows(ModelException.class, () -> net.setWeights(exported, "state_dict.npz")).getMessage();
            assertTrue(m.contains("not used") && m.contains("c.num_batches_tracked"), m);
        }
    }

    @Test
    void missingBundleFilesAreNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(ModelException.class, () -> Network.load(dir, root)).getMessage().contains("model.json"));
        assertTrue(assertThrows(ModelException.class, () -> Network.load(tmp.resolve("none"), root)).getMessage()
                .contains("does not exist"));
    }
}
