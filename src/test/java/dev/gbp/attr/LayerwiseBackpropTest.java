package dev.gbp.attr;

import dev.gbp.model.ReceptiveField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.NpyArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LayerwiseBackpropTest {
    static NDManager root;

    @BeforeAll
    static void start() {
        TorchRuntime.start(1);
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        root.close();
    }

    /** The four-unit toy of the references (one ReLU, every case of sign and mask). */
    @Test
    void reluRulesOnTheFourUnitToy() {
        NDArray z = root.create(new float[] {-1, 2, 3, 0});
        NDArray g = root.create(new float[] {1, -1, 2, 5});
        assertArrayEquals(new float[] {0, -1, 2, 0}, ReluRule.GRADIENT.apply(g, z).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 2, 5}, ReluRule.DECONVNET.apply(g, z).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 2, 0}, ReluRule.GUIDED.apply(g, z).toFloatArray());
        // -0.0 is not positive: the strict mask passes nothing.
        assertArrayEquals(new float[] {0}, ReluRule.GUIDED.apply(root.create(new float[] {1}), root.create(new float[] {-0f})).toFloatArray());
    }

    /**
     * flatten -> linear(4->3) -> relu -> linear(3->2) on x = [1, 2, -1, 0.5], target class 0.
     * z1 = W1 x + b1 = [-1, 2, 0.5]; the gradient reaching the ReLU is W2[0] = [1, -2, 3].
     * dz: gradient [0, -2, 3], deconvnet [1, 0, 3], guided [0, 0, 3]; map = W1^T dz.
     */
    @Test
    void threeRulesDifferAsComputedByHand() {
        ModelSpec spec = new ModelSpec(new int[] {1, 1, 4}, List.of("a", "b"), new float[] {0}, new float[] {1},
                List.of(LayerSpec.flatten(), LayerSpec.linear("fc1", 4, 3, true), LayerSpec.relu("r"),
                        LayerSpec.linear("fc2", 3, 2, true)));
        try (Network net = Network.create(spec, root, 1)) {
            Map<String, NpyArray> w = new HashMap<>();
            w.put("fc1.weight", new NpyArray(new long[] {3, 4}, new float[] {1, 0, 0, 1, 0, 1, 1, 0, 1, -1, 0, 0}));
            w.put("fc1.bias", new NpyArray(new long[] {3}, new float[] {-2.5f, 1f, 1.5f}));
            w.put("fc2.weight", new NpyArray(new long[] {2, 3}, new float[] {1, -2, 3, 0, 0, 0}));
            w.put("fc2.bias", new NpyArray(new long[] {2}, new float[] {0, 0}));
            net.setWeights(w, "test");
            NDArray x = root.create(new float[] {1, 2, -1, 0.5f}, new Shape(1, 1, 1, 4));
            Target t = Target.classLogit(0);
            assertArrayEquals(new float[] {3, -5, -2, 0}, GuidedBackprop.gradient(net).attribute(x, t).maps(), 1e-6f);
            assertArrayEquals(new float[] {4, -3, 0, 1}, GuidedBackprop.deconvnet(net).attribute(x, t).maps(), 1e-6f);
            assertArrayEquals(new float[] {3, -3, 0, 0}, GuidedBackprop.of(net).attribute(x, t).maps(), 1e-6f);
            AttributionResult r = GuidedBackprop.of(net).attribute(x, t);
            assertEquals(1, r.reluSitesApplied());
            assertEquals(1, r.reluSitesOnPath());
        }
    }

    /** Max-pool sends the gradient to the first maximum of a tied window, and overlapping windows add up. */
    @Test
    void maxPoolRoutesToTheFirstMaximumAndOverlapsAdd() {
        ModelSpec tied = new ModelSpec(new int[] {1, 2, 4}, List.of("a", "b"), new float[] {0}, new float[] {1},
                List.of(LayerSpec.maxPool(2, 2, 0), LayerSpec.flatten(), LayerSpec.linear("fc", 2, 2, false)));
        try (Network net = Network.create(tied, root, 1)) {
            net.setWeights(Map.of("fc.weight", new NpyArray(new long[] {2, 2}, new float[] {2, 5, 0, 0})), "test");
            // Windows: [[1,1],[1,0]] (three-way tie) and [[3,0],[3,3]] (first maximum at row 0, column 2).
            NDArray x = root.create(new float[] {1, 1, 3, 0, 1, 0, 3, 3}, new Shape(1, 1, 2, 4));
            float[] map = GuidedBackprop.gradient(net).attribute(x, Target.classLogit(0)).maps();
            assertArrayEquals(new float[] {2, 0, 5, 0, 0, 0, 0, 0}, map, 0f);
            assertArrayEquals(map, new AutogradGradient(net).attribute(x, Target.classLogit(0)).maps(), 0f);
        }
        ModelSpec overlap = new ModelSpec(new int[] {1, 1, 3}, List.of("a", "b"), new float[] {0}, new float[] {1},
                List.of(new LayerSpecs().maxPool1x2stride1(), LayerSpec.flatten(), LayerSpec.linear("fc", 2, 2, false)));
        try (Network net = Network.create(overlap, root, 1)) {
            net.setWeights(Map.of("fc.weight", new NpyArray(new long[] {2, 2}, new float[] {2, 5, 0, 0})), "test");
            NDArray x = root.create(new float[] {1, 3, 2}, new Shape(1, 1, 1, 3));
            float[] map = GuidedBackprop.gradient(net).attribute(x, Target.classLogit(0)).maps();
            assertArrayEquals(new float[] {0, 7, 0}, map, 0f);
        }
    }

    /**
     * conv(3->6, 3x3, padding 1) -> relu -> flatten -> linear, class target: the gradient at the ReLU's
     * output is the class's row of the linear weights, masked by the ReLU, and the map is that signal
     * taken back through the convolution by a plain loop. Few channels, where libtorch's own
     * convolution backward fails on some machines (see {@link #randomSpec}).
     */
    @Test
    void closedFormConvolutionBackwardEqualsAPlainLoop() {
        int ci = 3;
        int co = 6;
        int h = 5;
        ModelSpec spec = new ModelSpec(new int[] {ci, h, h}, List.of("a", "b"), new float[] {0, 0, 0}, new float[] {1, 1, 1},
                List.of(LayerSpec.conv2d("c", ci, co, 3, 1, 1, true), LayerSpec.relu("r"), LayerSpec.flatten(),
                        LayerSpec.linear("fc", co * h * h, 2, false)));
        try (Network net = Network.create(spec, root, 7)) {
            NDArray x = root.create(TestFiles.randomFloats(ci * h * h, 3), new Shape(1, ci, h, h));
            float[] map = GuidedBackprop.gradient(net).attribute(x, Target.classLogit(1)).maps();
            float[] z = net.forwardTo(x, 0).toFloatArray();
            Map<String, NpyArray> p = net.weights();
            float[] w = p.get("c.weight").data();
            float[] fc = p.get("fc.weight").data();
            float[] want = new float[ci * h * h];
            for (int o = 0; o < co; o++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < h; xx++) {
                        int k = (o * h + y) * h + xx;
                        float g = z[k] > 0 ? fc[co * h * h + k] : 0f;
                        for (int i = 0; i < ci; i++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int yi = y + ky - 1;
                                    int xi = xx + kx - 1;
                                    if (yi >= 0 && yi < h && xi >= 0 && xi < h) {
                                        want[(i * h + yi) * h + xi] += g * w[((o * ci + i) * 3 + ky) * 3 + kx];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            assertTrue(norm(want) > 0);
            assertTrue(relativeError(map, want) <= 1e-6, "relative error " + relativeError(map, want));
        }
    }

    /**
     * A convolution whose unpadded input is one kernel window (the seeded node of every cropped cone) runs forward
     * and backward as matrix products: its output, and the map through it with and without a BatchNorm folded into
     * its backward step, equal plain loops over the weights. Both signs reach the ReLU (some outputs are masked).
     */
    @Test
    void convolutionReadingOneWindowEqualsPlainLoops() {
        int ci = 3;
        int co = 8;
        for (boolean batchNorm : new boolean[] {false, true}) {
            List<LayerSpec> layers = new ArrayList<>();
            layers.add(LayerSpec.conv2d("c", ci, co, 3, 1, 0, true));
            if (batchNorm) {
                layers.add(LayerSpec.batchNorm2d("bn", co));
            }
            layers.addAll(List.of(LayerSpec.relu("r"), LayerSpec.flatten(), LayerSpec.linear("fc", co, 2, false)));
            ModelSpec spec = new ModelSpec(new int[] {ci, 3, 3}, List.of("a", "b"), new float[] {0, 0, 0},
                    new float[] {1, 1, 1}, layers);
            try (Network net = Network.create(spec, root, 11)) {
                randomizeRunningStats(net, 4);
                int n = 2;
                float[] xs = TestFiles.randomFloats(n * ci * 9, 8);
                NDArray x = root.create(xs, new Shape(n, ci, 3, 3));
                float[] z = net.forwardTo(x, 0).toFloatArray();
                float[] map = GuidedBackprop.gradient(net).attribute(x, Target.classLogit(1)).maps();
                Map<String, NpyArray> p = net.weights();
                float[] w = p.get("c.weight").data();
                float[] b = p.get("c.bias").data();
                float[] fc = p.get("fc.weight").data();
                float[] wantZ = new float[n * co];
                float[] want = new float[n * ci * 9];
                int masked = 0;
                for (int m = 0; m < n; m++) {
                    for (int o = 0; o < co; o++) {
                        double sum = b[o];
                        for (int k = 0; k < ci * 9; k++) {
                            sum += w[o * ci * 9 + k] * (double) xs[m * ci * 9 + k];
                        }
                        wantZ[m * co + o] = (float) sum;
                        double scale = 1;
                        double shift = 0;
                        if (batchNorm) {
                            scale = p.get("bn.weight").data()[o] / Math.sqrt(p.get("bn.running_var").data()[o] + 1e-5);
                            shift = p.get("bn.bias").data()[o] - p.get("bn.running_mean").data()[o] * scale;
                        }
                        boolean open = sum * scale + shift > 0;
                        masked += open ? 0 : 1;
                        double g = open ? fc[co + o] * scale : 0;
                        for (int k = 0; k < ci * 9; k++) {
                            want[m * ci * 9 + k] += (float) (g * w[o * ci * 9 + k]);
                        }
                    }
                }
                assertTrue(masked > 0 && masked < n * co, "both signs at the ReLU: " + masked + " masked");
                assertTrue(relativeError(z, wantZ) <= 1e-6, "forward: relative error " + relativeError(z, wantZ));
                assertTrue(relativeError(map, want) <= 1e-6, "bn=" + batchNorm + ": relative error " + relativeError(map, want));
            }
        }
    }

    @Test
    void layerwiseGradientEqualsFullAutogradWithAndWithoutBatchNorm() {
        for (boolean batchNorm : new boolean[] {true, false}) {
            ModelSpec spec = randomSpec(batchNorm);
            try (Network net = Network.create(spec, root, 5)) {
                randomizeRunningStats(net, 9);
                NDArray x = root.create(TestFiles.randomFloats(4 * 3 * 16 * 16, 2), new Shape(4, 3, 16, 16));
                // neuron:c1 starts the walk between a convolution and its BatchNorm (no folding there).
                for (Target t : List.of(Target.maxNeuron("r3"), Target.channelMax("r2", 3), Target.neuron("c3", 2, 1, 3),
                        Target.neuron("c1", 4, 5, 6),
                        Target.classLogit(1), Target.predicted())) {
                    float[] layerwise = GuidedBackprop.gradient(net).attribute(x, t).maps();
                    float[] autograd = new AutogradGradient(net).attribute(x, t).maps();
                    assertTrue(relativeError(layerwise, autograd) <= 1e-5,
                            t.spec() + " bn=" + batchNorm + ": relative error " + relativeError(layerwise, autograd));
                    assertTrue(norm(autograd) > 0, "a non-trivial map for " + t.spec());
                }
            }
        }
    }

    /**
     * The walk may stop at any layer (Grad-CAM stops at its layer), including between a convolution and
     * the BatchNorm folded into its backward step: the signal there is the gradient with respect to that
     * layer's input, as DJL's autograd computes it from that layer up.
     */
    @Test
    void stoppingAtAnyLayerGivesTheGradientWithRespectToThatLayersInput() {
        ModelSpec spec = randomSpec(true);
        try (Network net = Network.create(spec, root, 6)) {
            randomizeRunningStats(net, 10);
            NDArray x = root.create(TestFiles.randomFloats(3 * 3 * 16 * 16, 4), new Shape(3, 3, 16, 16));
            Target target = Target.classLogit(2);
            LayerwiseBackprop walk = GuidedBackprop.gradient(net);
            for (int stop = 0; stop < net.size(); stop++) {
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    float[] layerwise = walk.pass(x, target, stop - 1).values();
                    NDArray below = net.forwardTo(x, stop - 1).stopGradient();
                    below.setRequiresGradient(true);
                    try (ai.djl.training.GradientCollector gc =
                            ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        NDArray h = below;
                        for (int i = stop; i < net.size(); i++) {
                            h = net.forwardLayer(i, h, false);
                        }
                        gc.backward(h.get(":, 2").sum());
                    }
                    float[] autograd = below.getGradient().toFloatArray();
                    assertTrue(relativeError(layerwise, autograd) <= 1e-5,
                            "stopped at layer " + stop + ": relative error " + relativeError(layerwise, autograd));
                    assertTrue(norm(autograd) > 0, "a non-trivial gradient at layer " + stop);
                }
            }
        }
    }

    @Test
    void mapsDoNotDependOnTheBatch() {
        try (Network net = Network.create(randomSpec(true), root, 3)) {
            randomizeRunningStats(net, 4);
            int n = 5;
            float[] all = TestFiles.randomFloats(n * 3 * 16 * 16, 8);
            NDArray x = root.create(all, new Shape(n, 3, 16, 16));
            AttributionResult batch = GuidedBackprop.of(net).attribute(x, Target.maxNeuron("r3"));
            for (int i = 0; i < n; i++) {
                NDArray one = x.get(i).expandDims(0);
                AttributionResult single = GuidedBackprop.of(net).attribute(one, Target.maxNeuron("r3"));
                // Same neuron; values equal up to the float rounding of batch-size-dependent conv kernels.
                assertTrue(relativeError(batch.map(i), single.map(0)) < 1e-5, "image " + i);
                NeuronChoice a = single.choice(0);
                NeuronChoice b = batch.choice(i);
                assertEquals(List.of(a.c(), a.y(), a.x()), List.of(b.c(), b.y(), b.x()));
                assertEquals(a.activation(), b.activation(), 1e-5f * Math.abs(a.activation()));
            }
        }
    }

    @Test
    void maxNeuronIsTheFirstMaximumAndItsMapStaysInsideTheReceptiveField() {
        ModelSpec spec = DefaultArchitecture.cifar10();
        try (Network net = Network.create(spec, root, 11)) {
            NDArray x = root.create(TestFiles.randomFloats(2 * 3 * 32 * 32, 5), new Shape(2, 3, 32, 32));
            AttributionResult r = GuidedBackprop.of(net).attribute(x, Target.maxNeuron("conv3_relu"));
            int layer = spec.resolveLayer("conv3_relu");
            float[] act = net.forwardTo(x, layer).toFloatArray();
            int per = act.length / 2;
            for (int i = 0; i < 2; i++) {
                int best = dev.gbp.metrics.Stats.argMax(act, i * per, (i + 1) * per) - i * per;
                NeuronChoice c = r.choice(i);
                assertEquals(best, (c.c() * 16 + c.y()) * 16 + c.x());
                assertEquals(act[i * per + best], c.activation(), 0f);
                int[] box = ReceptiveField.of(spec, layer, c.y(), c.x());
                float[] map = r.map(i);
                for (int ch = 0; ch < 3; ch++) {
                    for (int yy = 0; yy < 32; yy++) {
                        for (int xx = 0; xx < 32; xx++) {
                            boolean inside = xx >= box[0] && xx <= box[2] && yy >= box[1] && yy <= box[3];
                            if (!inside) {
                                assertEquals(0f, map[(ch * 32 + yy) * 32 + xx], "outside the receptive field");
                            }
                        }
                    }
                }
            }
            assertEquals(3, r.reluSitesApplied());
        }
    }

    @Test
    void receptiveFieldOfConv3IsTenPixels() {
        ModelSpec spec = DefaultArchitecture.cifar10();
        int layer = spec.resolveLayer("conv3_relu");
        assertArrayEquals(new int[] {10, 6, 19, 15}, ReceptiveField.of(spec, layer, 5, 7));
        assertArrayEquals(new int[] {0, 0, 5, 5}, ReceptiveField.of(spec, layer, 0, 0));
        assertArrayEquals(new int[] {0, 0, 31, 31}, ReceptiveField.of(spec, spec.layers().size() - 1, 0, 0));
    }

    @Test
    void zeroActivationGivesAnAllZeroMap() {
        ModelSpec spec = new ModelSpec(new int[] {1, 2, 2}, List.of("a", "b"), new float[] {0}, new float[] {1},
                List.of(LayerSpec.relu("r"), LayerSpec.flatten(), LayerSpec.linear("fc", 4, 2, true)));
        try (Network net = Network.create(spec, root, 1)) {
            NDArray x = root.create(new float[] {-1, -2, -0.5f, -3}, new Shape(1, 1, 2, 2));
            for (ReluRule rule : ReluRule.values()) {
                AttributionResult r = new LayerwiseBackprop(net, rule).attribute(x, Target.maxNeuron("r"));
                assertTrue(r.choice(0).isZero());
                assertEquals(0, r.choice(0).c());
                assertArrayEquals(new float[4], r.maps(), 0f);
            }
        }
    }

    @Test
    void badTargetsAreClearErrors() {
        ModelSpec spec = DefaultArchitecture.cifar10();
        String m = assertThrows(dev.gbp.GbpInputException.class, () -> Target.parse("max-neuron:conv99", spec)).getMessage();
        assertTrue(m.contains("conv99") && m.contains("conv3_relu"), m);
        m = assertThrows(dev.gbp.GbpInputException.class, () -> Target.parse("neuron:conv3_relu:64,0,0", spec)).getMessage();
        assertTrue(m.contains("outside") && m.contains("0..63"), m);
        m = assertThrows(dev.gbp.GbpInputException.class, () -> Target.parse("neuron:conv3_relu:1,2", spec)).getMessage();
        assertTrue(m.contains("<c>,<y>,<x>"), m);
        m = assertThrows(dev.gbp.GbpInputException.class, () -> Target.parse("class:zebra", spec)).getMessage();
        assertTrue(m.contains("zebra") && m.contains("airplane"), m);
        m = assertThrows(dev.gbp.GbpInputException.class, () -> Target.parse("hottest", spec)).getMessage();
        assertTrue(m.contains("max-neuron:<layer>"), m);
        assertThrows(dev.gbp.GbpInputException.class, () -> Target.parse("channel-max:conv3_relu:x", spec));
        assertThrows(dev.gbp.GbpInputException.class, () -> Target.parse("max-neuron:99", spec));
        assertEquals(Target.classLogit(3), Target.parse("class:cat", spec));
        assertEquals(Target.maxNeuron("9"), Target.parse("max-neuron:9", spec));
        assertEquals("neuron:conv3_relu:1,2,3", Target.parse("neuron:conv3_relu:1,2,3", spec).spec());
    }

    @Test
    void onATrainedModelGuidedDiffersFromTheGradient() {
        java.nio.file.Path shipped = java.nio.file.Path.of("models/cifar10-cnn");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(shipped), "no shipped model yet");
        try (Network net = Network.load(shipped, root)) {
            NDArray x = root.create(TestFiles.randomFloats(4 * 3 * 32 * 32, 1), new Shape(4, 3, 32, 32));
            float[] g = GuidedBackprop.gradient(net).attribute(x, Target.maxNeuron("conv3_relu")).maps();
            float[] gb = GuidedBackprop.of(net).attribute(x, Target.maxNeuron("conv3_relu")).maps();
            assertFalse(relativeError(gb, g) < 1e-3, "guided equals the gradient: the rule is not applied");
        }
    }

    // ---- helpers ----

    /**
     * A small network with every layer kind. Its convolutions have at least 16 channels: on this
     * project's AMD EPYC machines libtorch 2.7.1's own convolution backward (the autograd reference)
     * gives wrong input gradients for layers of 8 channels or fewer (docs/DESIGN.md), while the walk's
     * closed form equals a plain loop there too ({@link #closedFormConvolutionBackwardEqualsAPlainLoop}).
     */
    static ModelSpec randomSpec(boolean batchNorm) {
        List<LayerSpec> l = new ArrayList<>();
        l.add(LayerSpec.conv2d("c1", 3, 16, 3, 1, 1, true));
        if (batchNorm) {
            l.add(LayerSpec.batchNorm2d("bn1", 16));
        }
        l.add(LayerSpec.relu("r1"));
        l.add(LayerSpec.maxPool(2, 2, 0));
        l.add(LayerSpec.conv2d("c2", 16, 16, 3, 2, 1, !batchNorm));
        if (batchNorm) {
            l.add(LayerSpec.batchNorm2d("bn2", 16));
        }
        l.add(LayerSpec.relu("r2"));
        l.add(LayerSpec.conv2d("c3", 16, 16, 3, 1, 1, true));
        l.add(LayerSpec.relu("r3"));
        l.add(LayerSpec.avgPool(2, 2));
        l.add(LayerSpec.flatten());
        l.add(LayerSpec.linear("fc1", 16 * 2 * 2, 12, true));
        if (batchNorm) {
            l.add(LayerSpec.batchNorm1d("bn3", 12));
        }
        l.add(LayerSpec.relu("r4"));
        l.add(LayerSpec.dropout(0.5));
        l.add(LayerSpec.linear("fc2", 12, 3, true));
        return new ModelSpec(new int[] {3, 16, 16}, List.of("a", "b", "c"), new float[] {0, 0, 0},
                new float[] {1, 1, 1}, l);
    }

    static void randomizeRunningStats(Network net, long seed) {
        Random r = new Random(seed);
        Map<String, NpyArray> w = net.weights();
        w.replaceAll((k, v) -> {
            float[] d = v.data().clone();
            for (int i = 0; i < d.length; i++) {
                if (k.endsWith("running_var")) {
                    d[i] = 0.5f + r.nextFloat();
                } else if (k.endsWith("running_mean") || k.startsWith("bn") && k.endsWith("bias")) {
                    d[i] = (float) r.nextGaussian() * 0.3f;
                } else if (k.startsWith("bn") && k.endsWith("weight")) {
                    d[i] = 0.5f + r.nextFloat();
                }
            }
            return new NpyArray(v.shape(), d);
        });
        net.setWeights(w, "test");
    }

    static double relativeError(float[] a, float[] b) {
        double diff = 0;
        double ref = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            ref += b[i] * (double) b[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(ref), 1e-30);
    }

    static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v * (double) v;
        }
        return Math.sqrt(s);
    }

    /** A max-pool layer the factory methods do not offer (1x2 window, stride 1), via the JSON parser. */
    static final class LayerSpecs {
        LayerSpec maxPool1x2stride1() {
            try {
                return LayerSpec.fromJson(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree("{\"type\":\"maxpool2d\",\"kernel_size\":[1,2],\"stride\":1}"), 0);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
