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
        assertEquals(start, byMap.deletion()[0], 1e-4, "the first point is the unperturbed activation");
        // The neuron only sees its 10x10 receptive field: deleting the pixels the map ranks first (all inside it)
        // must hurt it sooner than deleting random pixels.
        assertTrue(byMap.deletionAuc() < random.deletionAuc(), byMap.deletionAuc() + " vs random " + random.deletionAuc());
        assertTrue(byMap.insertionAuc() >= 0);
    }
}
