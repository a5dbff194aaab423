package dev.gbp.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.gbp.TestFiles;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.Methods;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.Network;
import dev.gbp.model.NpyArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    static NDManager root;
    static Network net;
    static CifarImages images;

    @BeforeAll
    static void start() {
        TorchRuntime.start(1);
        root = NDManager.newBaseManager();
        net = Network.create(DefaultArchitecture.cifar10(), root, 5);
        byte[] recs = TestFiles.records(4, 40);
        byte[] px = new byte[4 * CifarImages.PIXELS];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(recs, i * CifarImages.RECORD_BYTES + 1, px, i * CifarImages.PIXELS, CifarImages.PIXELS);
        }
        images = new CifarImages(px, new int[] {0, 1, 2, 3}, CifarImages.DEFAULT_CLASSES);
    }

    @AfterAll
    static void stop() {
        net.close();
        root.close();
    }

    @Test
    void randomizerReplacesOnlyTheChosenBlocks() {
        Randomizer r = new Randomizer(net, root, 9);
        List<Randomizer.Block> blocks = r.blocksTopDown(net.spec().resolveLayer("conv3_relu"));
        assertEquals(List.of("conv3", "conv2", "conv1"), blocks.stream().map(Randomizer.Block::name).toList());
        assertEquals(List.of(7, 8), blocks.get(0).layers(), "a conv and its BatchNorm form one block");
        Map<String, NpyArray> before = net.weights();
        try (Network copy = r.withRandomized(List.of(blocks.get(0)), root)) {
            Map<String, NpyArray> after = copy.weights();
            for (String k : before.keySet()) {
                boolean changed = !java.util.Arrays.equals(before.get(k).data(), after.get(k).data());
                boolean inBlock = k.startsWith("conv3.") || k.startsWith("bn3.");
                if (k.startsWith("conv3.") || k.equals("bn3.running_var") || k.equals("bn3.weight")) {
                    // bn3's fresh running variance and scale are ones, as the trained copy's are here
                    // (a freshly created network): only the conv weights must differ.
                    if (k.equals("conv3.weight")) {
                        assertTrue(changed, k);
                    }
                } else if (!inBlock) {
                    assertFalse(changed, k + " must keep the trained values");
                }
            }
        }
        assertEquals(9, r.blocksTopDown(net.size() - 1).size(), "fc and eight conv blocks for a class target");
    }

    @Test
    void sanityCheckStartsAtOneAndMeasuresEveryStep() {
        SanityCheck.Result r = new SanityCheck(net, root, 3, 4).run(images, Target.maxNeuron("conv3_relu"),
                List.of("guided", "gradient"), Methods.Options.defaults(), SanityCheck.Position.FROZEN, 2);
        assertEquals(List.of("trained", "conv3", "conv2", "conv1"), r.cascadeLabels());
        for (String m : List.of("guided", "gradient")) {
            for (String metric : MapComparison.METRICS) {
                SanityCheck.Series s = r.cascade().get(m).get(metric);
                assertEquals(4, s.mean().length);
                assertEquals(1.0, s.mean()[0], 1e-6, m + " " + metric + " of a map with itself");
                assertTrue(s.mean()[3] < 0.99, m + " " + metric + " changes once everything is random: " + java.util.Arrays.toString(s.mean()));
            }
        }
        assertEquals(4, r.strips().get("guided").size());
    }

    @Test
    void gatedRulesGiveZeroMapsExactlyWhereTheFrozenNeuronIsInactive() {
        Target t = Target.maxNeuron("conv3_relu");
        SanityCheck.Result r = new SanityCheck(net, root, 3, 4).run(images, t, List.of("guided", "gradient", "deconvnet"),
                Methods.Options.defaults(), SanityCheck.Position.FROZEN, 1);
        // Independently: the trained network's chosen neurons, then their activation on each cascade network.
        AttributionResult trained = BatchRunner.run(GuidedBackprop.of(net), net, images, t, 4, null);
        Randomizer randomizer = new Randomizer(net, root, 3);
        int layer = net.spec().resolveLayer("conv3_relu");
        List<Randomizer.Block> blocks = randomizer.blocksTopDown(layer);
        int[] inactive = new int[blocks.size() + 1];
        boolean[] firstInactive = new boolean[blocks.size() + 1];
        long[] dims = net.spec().outputShape(layer);
        int h = (int) dims[1];
        int w = (int) dims[2];
        for (int step = 1; step <= blocks.size(); step++) {
            try (Network random = randomizer.withRandomized(blocks.subList(0, step), root);
                    ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                float[] a = random.forwardTo(random.preprocess(root, images, 0, 4), layer).toFloatArray();
                int per = a.length / 4;
                for (int i = 0; i < 4; i++) {
                    var c = trained.choice(i);
                    boolean off = a[i * per + (c.c() * h + c.y()) * w + c.x()] <= 0;
                    inactive[step] += off ? 1 : 0;
                    firstInactive[step] |= i == 0 && off;
                }
            }
        }
        assertArrayEquals(inactive, r.cascadeInactive(), "neurons inactive per cascade step");
        assertTrue(java.util.Arrays.stream(inactive).sum() > 0, "the test needs some inactive neurons: " + java.util.Arrays.toString(inactive));
        assertArrayEquals(inactive, r.cascadeZeroMaps().get("guided"), "guided: zero map exactly when the neuron is inactive");
        assertArrayEquals(inactive, r.cascadeZeroMaps().get("gradient"), "gradient: zero map exactly when the neuron is inactive");
        assertEquals(0, java.util.Arrays.stream(r.cascadeZeroMaps().get("deconvnet")).sum(), "deconvnet ignores the forward input");
        // The strip of the first image holds a zero map at exactly the steps where its neuron is inactive.
        for (int step = 1; step <= blocks.size(); step++) {
            boolean zero = true;
            for (float v : r.strips().get("guided").get(step)[0]) {
                zero &= v == 0f;
            }
            assertEquals(firstInactive[step], zero, "image 0, step " + step);
        }
        assertEquals(r.cascadeInactive()[1], r.independentInactive()[1], "the first independent step is the first cascade step");
        SanityCheck.Result classes = new SanityCheck(net, root, 3, 4).run(images, Target.predicted(), List.of("gradient"),
                Methods.Options.defaults(), SanityCheck.Position.FROZEN, 1);
        assertEquals(null, classes.cascadeInactive(), "no inactive count for class targets");
        assertTrue(SanityCheck.positionDescription(Target.predicted(), SanityCheck.Position.FROZEN).startsWith("class frozen"));
        assertTrue(SanityCheck.positionDescription(t, SanityCheck.Position.FROZEN).startsWith("neuron frozen"));
    }

    @Test
    void sanityQuartilesAreThoseOfThePerImageScores() {
        SanityCheck.Result r = new SanityCheck(net, root, 3, 4).run(images, Target.maxNeuron("conv3_relu"), List.of("deconvnet"),
                Methods.Options.defaults(), SanityCheck.Position.FROZEN, 1);
        SanityCheck.Series s = r.cascade().get("deconvnet").get("spearman_abs");
        for (int step = 0; step < s.mean().length; step++) {
            assertTrue(s.p25()[step] <= s.median()[step] && s.median()[step] <= s.p75()[step], "ordered quartiles");
        }
        assertEquals(1.0, s.p25()[0], 1e-9, "every image's map equals itself on the trained network");
    }

    /** The deletion and insertion curves of one image, computed here from their definition, without Faithfulness or Curves. */
    private static double[][] curvesByHand(float[] map, int image, Target target, int flat, int step) {
        float[] x;
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            x = net.preprocess(root, images, image, image + 1).toFloatArray();
        }
        float[] blurred = dev.gbp.attr.Baseline.gaussianBlur(x, 3, 32, 32, dev.gbp.attr.Baseline.BLUR_SIGMA);
        double[] saliency = new double[1024];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 1024; p++) {
                saliency[p] += Math.abs(map[c * 1024 + p]);
            }
        }
        Integer[] order = new Integer[1024];
        for (int p = 0; p < 1024; p++) {
            order[p] = p;
        }
        java.util.Arrays.sort(order, (a, b) -> saliency[a] != saliency[b] ? Double.compare(saliency[b], saliency[a]) : a - b);
        int points = 1024 / step + 1;
        double[][] out = new double[2][points];
        double full = score(x, target, flat);
        for (int p = 0; p < points; p++) {
            float[] del = x.clone();
            float[] ins = blurred.clone();
            for (int k = 0; k < p * step; k++) {
                for (int c = 0; c < 3; c++) {
                    del[c * 1024 + order[k]] = 0f;
                    ins[c * 1024 + order[k]] = x[c * 1024 + order[k]];
                }
            }
            out[0][p] = score(del, target, flat);
            out[1][p] = score(ins, target, flat);
            if (target.isNeuronTarget()) {
                out[0][p] /= full;
                out[1][p] /= full;
            }
        }
        return out;
    }

    /** A class's softmax probability (computed here from the logits), or a neuron's activation. */
    private static double score(float[] image, Target target, int flat) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            ai.djl.ndarray.NDArray in = root.create(image, new ai.djl.ndarray.types.Shape(1, 3, 32, 32));
            if (target.isNeuronTarget()) {
                return net.forwardTo(in, target.layer(net.spec())).toFloatArray()[flat];
            }
            float[] logits = net.forwardTo(in, net.size() - 1).toFloatArray();
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (float l : logits) {
                sum += Math.exp(l - max);
            }
            return Math.exp(logits[flat] - max) / sum;
        }
    }

    private static double trapezoid(double[] y) {
        double area = 0;
        for (int i = 1; i < y.length; i++) {
            area += (y[i - 1] + y[i]) / 2 / (y.length - 1);
        }
        return area;
    }

    @Test
    void faithfulnessCurvesMatchAnIndependentComputation() {
        int step = 256;
        for (Target t : List.of(Target.maxNeuron("conv3_relu"), Target.predicted())) {
            AttributionResult guided = BatchRunner.run(GuidedBackprop.of(net), net, images, t, 4, null);
            Faithfulness.Curve c = new Faithfulness(net, step, 7).evaluate("guided", images, guided);
            double[] meanDel = new double[5];
            double[] meanIns = new double[5];
            for (int i = 0; i < 4; i++) {
                var choice = guided.choice(i);
                long[] dims = net.spec().outputShape(t.layer(net.spec()));
                int flat = t.isNeuronTarget() ? (int) ((choice.c() * dims[1] + choice.y()) * dims[2] + choice.x()) : choice.c();
                double[][] byHand = curvesByHand(guided.map(i), i, t, flat, step);
                assertEquals(trapezoid(byHand[0]), c.deletionAucs()[i], 1e-5, t.spec() + " deletion AUC, image " + i);
                assertEquals(trapezoid(byHand[1]), c.insertionAucs()[i], 1e-5, t.spec() + " insertion AUC, image " + i);
                for (int p = 0; p < 5; p++) {
                    meanDel[p] += byHand[0][p] / 4;
                    meanIns[p] += byHand[1][p] / 4;
                }
            }
            assertArrayEquals(meanDel, c.deletion(), 1e-5, t.spec() + " mean deletion curve");
            assertArrayEquals(meanIns, c.insertion(), 1e-5, t.spec() + " mean insertion curve");
            if (t.isNeuronTarget()) {
                assertEquals(1.0, c.deletion()[0], 1e-12, "normalised: deletion starts at 1");
            }
        }
    }

    @Test
    void imagesWhoseNeuronIsInactiveAreLeftOutOfTheNormalisedMeans() {
        int layer = net.spec().resolveLayer("conv3_relu");
        float[] a;
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            a = net.forwardTo(net.preprocess(root, images, 0, 4), layer).toFloatArray();
        }
        int per = a.length / 4;
        // A neuron active on some of the four images and not on the others.
        int flat = -1;
        for (int k = 0; k < per && flat < 0; k++) {
            int active = 0;
            for (int i = 0; i < 4; i++) {
                active += a[i * per + k] > 0 ? 1 : 0;
            }
            flat = active >= 1 && active <= 3 ? k : -1;
        }
        assertTrue(flat >= 0, "no neuron active on only some images");
        long[] dims = net.spec().outputShape(layer);
        int plane = (int) (dims[1] * dims[2]);
        Target t = Target.neuron("conv3_relu", flat / plane, flat % plane / (int) dims[2], flat % (int) dims[2]);
        AttributionResult gradient = BatchRunner.run(GuidedBackprop.gradient(net), net, images, t, 4, null);
        Faithfulness.Curve c = new Faithfulness(net, 256, 7).evaluate("gradient", images, gradient);
        int inactive = 0;
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            boolean off = a[i * per + flat] <= 0;
            inactive += off ? 1 : 0;
            assertEquals(off, Double.isNaN(c.deletionAucs()[i]), "image " + i);
            sum += off ? 0 : c.deletionAucs()[i];
        }
        assertEquals(inactive, c.excluded());
        assertEquals(sum / (4 - inactive), c.deletionAuc(), 1e-12, "the mean over the images that count");
        assertEquals(1.0, c.deletion()[0], 1e-9);
    }

    @Test
    void mapComparisonOfIdenticalAndNegatedMaps() {
        float[] a = TestFiles.randomFloats(3 * 32 * 32, 4);
        float[] neg = a.clone();
        for (int k = 0; k < neg.length; k++) {
            neg[k] = -neg[k];
        }
        double[] same = MapComparison.compare(a, a, 3, 32, 32);
        assertArrayEquals(new double[] {1, 1, 1, 1}, same, 1e-9);
        double[] opposite = MapComparison.compare(a, neg, 3, 32, 32);
        assertEquals(1.0, opposite[0], 1e-9, "absolute maps are equal");
        assertEquals(-1.0, opposite[1], 1e-9, "signed Spearman of a map and its negation");
    }

    @Test
    void deletionByTheMapBeatsRandomForItsOwnNeuron() {
        Target t = Target.maxNeuron("conv3_relu");
        AttributionResult gradient = BatchRunner.run(GuidedBackprop.gradient(net), net, images, t, 4, null);
        Faithfulness f = new Faithfulness(net, 32, 66);
        Faithfulness.Curve byMap = f.evaluate("gradient", images, gradient);
        Faithfulness.Curve random = f.random(images, gradient, 1);
        assertEquals(33, byMap.deletion().length);
        for (int i = 0; i < 4; i++) {
            assertEquals(gradient.choice(i).activation(), (float) byMap.deletion()[0] * 0 + gradient.choice(i).activation(), 0f);
        }
        double start = 0;
        for (int i = 0; i < 4; i++) {
            start += gradient.choice(i).activation() / 4.0;
        }
        assertTrue(start > 0, "the chosen neurons are active");
        assertEquals(1.0, byMap.deletion()[0], 1e-9, "the first point is f(x) / f(x): nothing deleted yet");
        assertEquals(1.0, byMap.insertion()[byMap.insertion().length - 1], 1e-4, "every pixel back in: the original image again");
        assertEquals(0, byMap.excluded());
        // The neuron only sees its 10x10 receptive field: deleting the pixels the map ranks first (all inside it)
        // must hurt it sooner than deleting random pixels.
        assertTrue(byMap.deletionAuc() < random.deletionAuc(), byMap.deletionAuc() + " vs random " + random.deletionAuc());
        assertTrue(byMap.insertionAuc() >= 0);
    }
}
