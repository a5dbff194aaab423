package dev.gbp.attr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gbp.GbpInputException;
import dev.gbp.TestFiles;
import dev.gbp.data.CifarImages;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.NpyArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each method against its definition. */
class MethodsTest {
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

    private static NDArray images(int n, long seed) {
        return root.create(TestFiles.randomFloats(n * 3 * 16 * 16, seed), new Shape(n, 3, 16, 16));
    }

    /** conv(3->2) + BatchNorm + ReLU, 4x4 average pooling, linear, on 8x8 inputs: a small network with ReLU kinks. */
    static ModelSpec smallSpec() {
        return new ModelSpec(new int[] {3, 8, 8}, List.of("a", "b", "c"), new float[] {0, 0, 0}, new float[] {1, 1, 1},
                List.of(LayerSpec.conv2d("c1", 3, 2, 3, 1, 1, true), LayerSpec.batchNorm2d("bn", 2), LayerSpec.relu("r1"),
                        LayerSpec.avgPool(4, 4), LayerSpec.flatten(), LayerSpec.linear("fc", 8, 3, true)));
    }

    @Test
    void integratedGradientsAreCompleteWithinOnePercentAtSixtyFourSteps() {
        try (Network net = Network.create(smallSpec(), root, 21)) {
            LayerwiseBackpropTest.randomizeRunningStats(net, 5);
            NDArray x = root.create(smoothImages(4, 8), new Shape(4, 3, 8, 8));
            for (Target t : List.of(Target.classLogit(2), Target.maxNeuron("r1"))) {
                for (Baseline b : Baseline.values()) {
                    AttributionResult r = new IntegratedGradients(net, 64, b, 100).attribute(x, t);
                    float[] gap = r.extras().get("completeness_gap");
                    float[] fx = r.extras().get("f_input");
                    float[] fb = r.extras().get("f_baseline");
                    double gaps = 0;
                    double diffs = 0;
                    for (int i = 0; i < 4; i++) {
                        double diff = fx[i] - fb[i];
                        double sum = 0;
                        for (float v : r.map(i)) {
                            sum += v;
                        }
                        assertEquals(diff, sum - gap[i], 1e-4 * Math.max(1, Math.abs(diff)), "gap is sum - (f(x) - f(x'))");
                        gaps += Math.abs(gap[i]);
                        diffs += Math.abs(diff);
                    }
                    // Over the batch: |sum of attributions - (f(x) - f(x'))| within 1 % of |f(x) - f(x')|.
                    assertTrue(gaps <= 0.01 * diffs, t.spec() + " " + b.id() + ": gaps " + gaps + " of " + diffs);
                }
            }
        }
    }

    @Test
    void integratedGradientsGapShrinksWithMoreSteps() {
        try (Network net = Network.create(smallSpec(), root, 21)) {
            LayerwiseBackpropTest.randomizeRunningStats(net, 5);
            // White noise: many ReLU kinks along the path, so few steps leave a visible gap.
            NDArray x = root.create(TestFiles.randomFloats(4 * 3 * 8 * 8, 3), new Shape(4, 3, 8, 8));
            double coarse = meanAbsGap(new IntegratedGradients(net, 16, Baseline.ZERO, 64).attribute(x, Target.classLogit(2)));
            double fine = meanAbsGap(new IntegratedGradients(net, 1024, Baseline.ZERO, 512).attribute(x, Target.classLogit(2)));
            assertTrue(fine < coarse / 10, "gap " + coarse + " at 16 steps, " + fine + " at 1024");
        }
    }

    private static double meanAbsGap(AttributionResult r) {
        double s = 0;
        for (float g : r.extras().get("completeness_gap")) {
            s += Math.abs(g);
        }
        return s / r.size();
    }

    /** Image-like inputs: smooth colour waves with a little noise (white noise crosses far more ReLU kinks). */
    static float[] smoothImages(int n, int side) {
        float[] noise = TestFiles.randomFloats(n * 3 * side * side, 17);
        float[] out = new float[noise.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        int k = ((i * 3 + c) * side + y) * side + x;
                        out[k] = (float) (1.5 * Math.sin(0.7 * x + c + i) * Math.cos(0.5 * y - i) + 0.1 * noise[k]);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void smoothGradWithZeroNoiseIsThePlainGradient() {
        try (Network net = Network.create(LayerwiseBackpropTest.randomSpec(false), root, 4)) {
            NDArray x = images(3, 9);
            for (SmoothGrad.Kind kind : SmoothGrad.Kind.values()) {
                AttributionResult sg = new SmoothGrad(net, kind, ReluRule.GRADIENT, 5, 0.0, 1, 7).attribute(x, Target.classLogit(1));
                float[] g = GuidedBackprop.gradient(net).attribute(x, Target.classLogit(1)).maps();
                float[] expected = g.clone();
                for (int k = 0; k < g.length; k++) {
                    expected[k] = kind == SmoothGrad.Kind.SMOOTHGRAD ? g[k] : kind == SmoothGrad.Kind.SQUARED ? g[k] * g[k] : 0f;
                }
                assertArrayEquals(expected, sg.maps(), 1e-5f, kind.id);
            }
            // Neuron targets: seeded with 1, so the plain map (seeded with the activation) divided by it.
            AttributionResult sg = new SmoothGrad(net, SmoothGrad.Kind.SMOOTHGRAD, ReluRule.GRADIENT, 2, 0.0, 1, 4)
                    .attribute(x, Target.maxNeuron("r3"));
            AttributionResult plain = GuidedBackprop.gradient(net).attribute(x, Target.maxNeuron("r3"));
            for (int i = 0; i < 3; i++) {
                float a = plain.choice(i).activation();
                float[] p = plain.map(i);
                for (int k = 0; k < p.length; k++) {
                    p[k] /= a;
                }
                assertArrayEquals(p, sg.map(i), 1e-5f);
            }
        }
    }

    @Test
    void smoothGradNoiseIsSeededAndIndependentOfTheBatch() {
        try (Network net = Network.create(LayerwiseBackpropTest.randomSpec(false), root, 4)) {
            NDArray x = images(3, 2);
            SmoothGrad a = new SmoothGrad(net, SmoothGrad.Kind.SMOOTHGRAD, ReluRule.GRADIENT, 6, 0.2, 42, 5);
            float[] all = a.attribute(x, Target.classLogit(0)).maps();
            assertArrayEquals(all, a.attribute(x, Target.classLogit(0)).maps(), 0f, "same seed, same maps");
            float[] second = a.attribute(x.get("1:2"), Target.classLogit(0)).maps();
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 768, 1536), second, 1e-5f);
            float[] other = new SmoothGrad(net, SmoothGrad.Kind.SMOOTHGRAD, ReluRule.GRADIENT, 6, 0.2, 43, 5)
                    .attribute(x, Target.classLogit(0)).maps();
            assertTrue(LayerwiseBackpropTest.relativeError(other, all) > 1e-3, "another seed, other noise");
        }
    }

    /**
     * x (1 x 2 x 2) -> conv 1x1 with weights [1, -1] -> ReLU "r" -> global average -> linear [[2, 3], [0, 0]].
     * A0 = relu(x), A1 = relu(-x); dT/dA_k = W[0,k] / 4, so a = [0.5, 0.75];
     * x = [[1, -2], [0, 3]]: cam = relu(0.5 A0 + 0.75 A1) = [[0.5, 1.5], [0, 1.5]].
     */
    @Test
    void gradCamOnAHandSetTwoChannelNetwork() {
        ModelSpec spec = new ModelSpec(new int[] {1, 2, 2}, List.of("a", "b"), new float[] {0}, new float[] {1},
                List.of(LayerSpec.conv2d("conv", 1, 2, 1, 1, 0, false), LayerSpec.relu("r"), LayerSpec.globalAvgPool(),
                        LayerSpec.linear("fc", 2, 2, false)));
        try (Network net = Network.create(spec, root, 1)) {
            net.setWeights(Map.of("conv.weight", new NpyArray(new long[] {2, 1, 1, 1}, new float[] {1, -1}),
                    "fc.weight", new NpyArray(new long[] {2, 2}, new float[] {2, 3, 0, 0})), "test");
            NDArray x = root.create(new float[] {1, -2, 0, 3}, new Shape(1, 1, 2, 2));
            AttributionResult cam = new GradCam(net, "r", false).attribute(x, Target.classLogit(0));
            assertArrayEquals(new float[] {0.5f, 1.5f, 0f, 1.5f}, cam.maps(), 1e-6f);
            AttributionResult ggc = new GradCam(net, "r", true).attribute(x, Target.classLogit(0));
            float[] gb = GuidedBackprop.of(net).attribute(x, Target.classLogit(0)).maps();
            for (int k = 0; k < 4; k++) {
                assertEquals(gb[k] * cam.maps()[k], ggc.maps()[k], 1e-6f, "guided Grad-CAM is the product");
            }
            GbpInputException e = assertThrows(GbpInputException.class, () -> new GradCam(net, "fc", false));
            assertEquals("camLayer", e.parameter());
            assertTrue(e.getMessage().contains("4-D") && e.getMessage().contains("fc"), e.getMessage());
        }
    }

    @Test
    void bilinearUpsamplingMatchesPyTorchsHalfPixelRule() {
        // torch.nn.functional.interpolate(tensor([[[[0., 1.], [2., 3.]]]]), scale_factor=2, mode="bilinear")
        float[] up = GradCam.upsample(new float[] {0, 1, 2, 3}, 1, 2, 2, 4, 4);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f,
            2.75f, 3}, up, 1e-6f);
    }

    @Test
    void gradCamOfTheDefaultLayerHasTheInputShapeAndRepeatsOverChannels() {
        try (Network net = Network.create(LayerwiseBackpropTest.randomSpec(true), root, 2)) {
            NDArray x = images(2, 5);
            AttributionResult r = new GradCam(net, null, false).attribute(x, Target.predicted());
            assertArrayEquals(new long[] {2, 3, 16, 16}, r.shape());
            float[] m = r.map(0);
            for (int k = 0; k < 256; k++) {
                assertEquals(m[k], m[256 + k], 0f);
                assertTrue(m[k] >= 0);
            }
        }
    }

    @Test
    void inputTimesGradientIsTheProduct() {
        try (Network net = Network.create(LayerwiseBackpropTest.randomSpec(false), root, 8)) {
            NDArray x = images(2, 1);
            float[] g = GuidedBackprop.gradient(net).attribute(x, Target.classLogit(2)).maps();
            float[] xs = x.toFloatArray();
            float[] ixg = new InputXGradient(net, 3).attribute(x, Target.classLogit(2)).maps();
            for (int k = 0; k < g.length; k++) {
                assertEquals(g[k] * xs[k], ixg[k], 1e-6f);
            }
        }
    }

    @Test
    void everyNamedMethodRuns() {
        try (Network net = Network.create(LayerwiseBackpropTest.randomSpec(true), root, 3)) {
            NDArray x = images(2, 4);
            Methods.Options o = new Methods.Options(null, 3, 0.1, 4, Baseline.BLUR, 1, 5);
            for (String name : Methods.NAMES) {
                AttributionResult r = Methods.create(name, net, o).attribute(x, Target.maxNeuron("r2"));
                assertEquals(name, r.method());
                assertArrayEquals(new long[] {2, 3, 16, 16}, r.shape());
            }
            assertThrows(GbpInputException.class, () -> Methods.create("lime", net, o));
        }
    }

    /** Issue 10: a bad parameter is the caller's input, named as the Java API spells it, never as a CLI flag. */
    @Test
    void badParametersAreInputErrorsNamedByTheirJavaNames() {
        try (Network net = Network.create(smallSpec(), root, 4)) {
            List<Map.Entry<String, Executable>> calls = List.of(
                    Map.entry("samples", () -> new SmoothGrad(net, SmoothGrad.Kind.SMOOTHGRAD, ReluRule.GRADIENT, 0, 0.1, 0, 4)),
                    Map.entry("noise", () -> new SmoothGrad(net, SmoothGrad.Kind.SMOOTHGRAD, ReluRule.GRADIENT, 2, Double.NaN, 0, 4)),
                    Map.entry("noise", () -> new SmoothGrad(net, SmoothGrad.Kind.VARGRAD, ReluRule.GRADIENT, 2,
                            Double.POSITIVE_INFINITY, 0, 4)),
                    Map.entry("internalBatch", () -> new SmoothGrad(net, SmoothGrad.Kind.SMOOTHGRAD, ReluRule.GRADIENT, 2, 0.1, 0, 0)),
                    Map.entry("steps", () -> new IntegratedGradients(net, 0, Baseline.ZERO, 4)),
                    Map.entry("batchSize", () -> BatchRunner.run(GuidedBackprop.of(net), net, blank(2), Target.predicted(), 0,
                            null)),
                    Map.entry("images", () -> BatchRunner.run(GuidedBackprop.of(net), net, blank(0), Target.predicted(), 1,
                            null)));
            for (Map.Entry<String, Executable> c : calls) {
                GbpInputException e = assertThrows(GbpInputException.class, c.getValue(), c.getKey());
                assertEquals(c.getKey(), e.parameter());
                assertTrue(e.getMessage().startsWith(c.getKey() + " "), e.getMessage());
                assertFalse(e.getMessage().contains("--"), e.getMessage());
            }
        }
    }

    /** {@code n} black images for {@link #smallSpec()}. */
    private static CifarImages blank(int n) {
        return new CifarImages(3, 8, 8, new byte[n * 3 * 8 * 8], new int[n], List.of("a", "b", "c"));
    }

    /** Issue 10: more rows than one array holds is refused naming the parameter, not an overflow (a crash before). */
    @Test
    void smoothGradRefusesMoreRowsThanAnArrayHoldsBeforeAllocating() {
        try (Network net = Network.create(smallSpec(), root, 4)) {
            // 1000 images of 3 x 8 x 8 at 40000 samples: 7.68e9 values, which wrapped to a negative int size.
            NDArray x = root.zeros(new Shape(1000, 3, 8, 8));
            GbpInputException e = assertThrows(GbpInputException.class, () -> new SmoothGrad(net, SmoothGrad.Kind.SMOOTHGRAD,
                    ReluRule.GRADIENT, 40_000, 0.1, 0, 256).attribute(x, Target.classLogit(0)));
            assertEquals("samples", e.parameter());
            assertTrue(e.getMessage().contains("7680000000"), e.getMessage());
            e = assertThrows(GbpInputException.class, () -> new IntegratedGradients(net, 40_000, Baseline.ZERO, 256)
                    .attribute(x, Target.classLogit(0)));
            assertEquals("steps", e.parameter());
        }
    }

    /** Issue 10: a Grad-CAM layer the target does not read from, or none at all, is the caller's input, not a bug. */
    @Test
    void gradCamLayersThatCannotServeTheTargetAreInputErrors() {
        try (Network net = Network.create(smallSpec(), root, 4)) {
            // bn lies above the target's layer c1.
            GbpInputException e = assertThrows(GbpInputException.class,
                    () -> new GradCam(net, "bn", false).attribute(root.zeros(new Shape(1, 3, 8, 8)), Target.maxNeuron("c1")));
            assertEquals("camLayer", e.parameter());
            assertTrue(e.getMessage().contains("bn") && e.getMessage().contains("c1"), e.getMessage());
        }
        ModelSpec flat = new ModelSpec(new int[] {1, 2, 2}, List.of("a", "b"), new float[] {0}, new float[] {1},
                List.of(LayerSpec.flatten(), LayerSpec.linear("fc", 4, 2, true)));
        try (Network net = Network.create(flat, root, 4)) {
            GbpInputException e = assertThrows(GbpInputException.class,
                    () -> new GradCam(net, null, false).attribute(root.zeros(new Shape(1, 1, 2, 2)), Target.classLogit(0)));
            assertTrue(e.getMessage().contains("4-D"), e.getMessage());
        }
    }
}
