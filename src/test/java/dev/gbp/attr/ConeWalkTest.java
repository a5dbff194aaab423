package dev.gbp.attr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.LayerType;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cone-cropped walk of neuron targets ({@link Cone}) against the whole-map walk: the same maps
 * within 1e-6 relative and the same neurons, for every walk rule and for the unit-seeded fixed
 * neurons the many-pass methods differentiate, on border and interior neurons of every spatial node.
 */
class ConeWalkTest {
    private static final double TOLERANCE = 1e-6;
    private static final int BATCH = 4;
    private static NDManager root;

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

    /** What one network's comparisons found. */
    private static final class Tally {
        final List<String> failures = new ArrayList<>();
        int compared;
        int cropped;
        int nonZero;
    }

    /**
     * Padding, stride, dilation, groups, a padded ceil-mode max pool, an average pool counting its
     * padding and one leaving it out (which no crop reproduces: the nodes above it walk whole maps).
     */
    static ModelSpec windows() {
        return new ModelSpec(new int[] {3, 19, 17}, List.of("a", "b", "c", "d", "e"), new float[] {0, 0, 0},
                new float[] {1, 1, 1}, List.of(
                LayerSpec.conv2d("c1", 3, 16, 3, 1, 1, true).withInputs("input"),
                LayerSpec.relu("r1").withInputs("c1"),
                LayerSpec.conv2d("c2", 16, 16, 3, 2, 1, true).withInputs("r1"),
                LayerSpec.relu("r2").withInputs("c2"),
                LayerSpec.pool(LayerType.MAXPOOL2D, "mp", 3, 2, 1, true, true).withInputs("r2"),
                LayerSpec.conv2d("c3", 16, 16, new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 2, 2, 2},
                        new int[] {2, 2}, 4, true).withInputs("mp"),
                LayerSpec.relu("r3").withInputs("c3"),
                LayerSpec.pool(LayerType.AVGPOOL2D, "ap", 3, 1, 1, false, true).withInputs("r3"),
                LayerSpec.conv2d("c4", 16, 16, 3, 1, 1, true).withInputs("ap"),
                LayerSpec.relu("r4").withInputs("c4"),
                LayerSpec.pool(LayerType.AVGPOOL2D, "ap2", 3, 1, 1, false, false).withInputs("r4"),
                LayerSpec.flatten().withName("flat").withInputs("ap2"),
                LayerSpec.linear("fc", 16 * 6 * 5, 5, true).withInputs("flat")));
    }

    /**
     * Nodes that read no padding, whose crops go unmasked ({@link Cone}): a strided convolution, an overlapping max pool
     * and an average pool without padding; between them a max pool reading the input with padding (-infinity, so the
     * input's zeros do not stand in for it) and a ceil-mode max pool whose last window overhangs its map.
     */
    static ModelSpec padFree() {
        return new ModelSpec(new int[] {3, 33, 31}, List.of("a", "b", "c", "d", "e"), new float[] {0, 0, 0},
                new float[] {1, 1, 1}, List.of(
                LayerSpec.pool(LayerType.MAXPOOL2D, "mp0", 3, 1, 1, false, true).withInputs("input"),
                LayerSpec.conv2d("c1", 3, 8, 3, 2, 0, true).withInputs("mp0"),
                LayerSpec.relu("r1").withInputs("c1"),
                LayerSpec.pool(LayerType.MAXPOOL2D, "mpc", 2, 2, 0, true, true).withInputs("r1"),
                LayerSpec.conv2d("c2", 8, 8, 1, 1, 0, true).withInputs("mpc"),
                LayerSpec.relu("r2").withInputs("c2"),
                LayerSpec.pool(LayerType.AVGPOOL2D, "ap", 3, 1, 0, false, true).withInputs("r2"),
                LayerSpec.conv2d("c3", 8, 8, 3, 1, 1, true).withInputs("ap"),
                LayerSpec.relu("r3").withInputs("c3"),
                LayerSpec.pool(LayerType.MAXPOOL2D, "mp1", 3, 2, 0, false, true).withInputs("r3"),
                LayerSpec.flatten().withName("flat").withInputs("mp1"),
                LayerSpec.linear("fc", 8 * 2 * 2, 5, true).withInputs("flat")));
    }

    @Test
    void croppedWalkEqualsFullWalkThroughNodesThatReadNoPadding() {
        try (Network net = Network.create(padFree(), root, 13)) {
            report("padding-free", checkAll(net, 2, false));
            assertCrops(net, "r1", true);
            assertCrops(net, "mpc", true);
            assertCrops(net, "r2", true);
            assertCrops(net, "r3", true);
        }
    }

    @Test
    void croppedWalkEqualsFullWalkOnPaddedStridedPooledDilatedGroupedNetwork() {
        ModelSpec spec = windows();
        try (Network net = Network.create(spec, root, 11)) {
            report("windows", checkAll(net, 1, false));
            // The cones of r1, r2, mp, c3 and r3 are smaller than the 19 x 17 image; above the average
            // pool that leaves its padding out of the count no crop is exact.
            assertCrops(net, "r2", true);
            assertCrops(net, "mp", true);
            assertCrops(net, "ap2", false);
        }
    }

    @Test
    void croppedWalkEqualsFullWalkOnResidualConcatAndMobileGraphs() {
        for (ModelSpec spec : List.of(GraphBackpropTest.residual(), GraphBackpropTest.concat(), GraphBackpropTest.mobile())) {
            try (Network net = Network.create(spec, root, 3)) {
                GraphBackpropTest.randomizeBatchNorm(net, 5);
                report(spec.layer(0).name() + " graph of " + spec.layers().size() + " nodes", checkAll(net, 2, false));
            }
        }
        try (Network net = Network.create(GraphBackpropTest.residual(), root, 3)) {
            assertCrops(net, "a_relu", true); // through an identity shortcut
        }
    }

    @Test
    void croppedWalkEqualsFullWalkOnTheShippedNetworks() {
        for (String bundle : List.of("models/cifar10-seed", "models/cifar10-cnn")) {
            try (NDManager m = NDManager.newBaseManager(); Network net = Network.load(Path.of(bundle), m)) {
                report(bundle, checkAll(net, 4, true));
                assertCrops(net, "conv2_relu", true);
                // The seed network's conv3 cone (26 x 26 input pixels, 44% of the values) is under Cone.pays's 5/8.
                assertCrops(net, "conv3_relu", true);
                if (bundle.endsWith("seed")) {
                    assertCrops(net, "pool3", true); // 61% of the values
                }
            }
        }
    }

    @Test
    void croppedWalkEqualsFullWalkOnTheOnnxFixtures() throws Exception {
        JsonNode index = new ObjectMapper().readTree(TestFiles.ONNX_FIXTURES.resolve("index.json").toFile());
        int nets = 0;
        Tally all = new Tally();
        for (var it = index.get("models").fields(); it.hasNext(); ) {
            var e = it.next();
            Path out = tmp.resolve(e.getKey());
            assertEquals(0, TestFiles.importFixture(e.getValue(), out), "gbp import " + e.getKey());
            try (NDManager m = NDManager.newBaseManager(); Network net = Network.load(out, m)) {
                Tally t = checkAll(net, 5, true);
                assertTrue(t.failures.isEmpty(), e.getKey() + ".onnx:\n" + String.join("\n", t.failures));
                all.cropped += t.cropped;
                all.compared += t.compared;
                all.nonZero += t.nonZero;
                nets++;
            }
        }
        assertTrue(nets >= 4, "fixtures compared: " + nets);
        report("the ONNX fixtures", all); // the gemm fixture's cones all cover its image
    }

    /**
     * Explaining with predictions shares one forward pass between choosing the neurons and predicting: the maps, the
     * neurons and the predictions are exactly those of the separate passes.
     */
    @Test
    void sharedChoosingAndPredictingPassChangesNothing() {
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.load(Path.of("models/cifar10-cnn"), m)) {
            byte[] px = new byte[6 * 3 * 32 * 32];
            new java.util.Random(8).nextBytes(px);
            dev.gbp.data.CifarImages images = new dev.gbp.data.CifarImages(px, new int[6], dev.gbp.data.CifarImages.DEFAULT_CLASSES);
            for (String target : List.of("max-neuron:conv3_relu", "channel-max:conv2_relu:5", "max-neuron:conv1_relu")) {
                Target t = Target.parse(target, net.spec());
                LayerwiseBackprop guided = GuidedBackprop.of(net);
                AttributionResult shared = BatchRunner.run(guided, net, images, t, 4, null);
                dev.gbp.model.Classifier.Predictions p = dev.gbp.model.Classifier.predict(net, images, 4);
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    AttributionResult alone = guided.attribute(net.preprocess(m, images, 0, 6), t);
                    assertArrayEquals(alone.maps(), shared.maps(), target);
                    for (int i = 0; i < 6; i++) {
                        assertEquals(alone.choice(i), shared.choice(i), target + " image " + i);
                    }
                }
                assertArrayEquals(p.classes(), shared.predictedAll(), target);
                for (int i = 0; i < 6; i++) {
                    assertEquals(p.probabilities()[i], shared.probability(i), target + " image " + i);
                }
            }
        }
    }

    /** A max-neuron target whose cone covers the image walks whole maps, as the cropped walk would not be smaller. */
    @Test
    void coneCoveringTheImageFallsBackToTheFullWalk() {
        try (Network net = Network.create(windows(), root, 11)) {
            assertCrops(net, "r4", false); // 6 x 5 map, cone beyond 19 x 17
            assertCrops(net, "r1", true);
        }
    }

    private static void assertCrops(Network net, String layer, boolean expected) {
        ModelSpec spec = net.spec();
        int seeded = spec.resolveLayer(layer);
        long[] s = spec.outputShape(seeded);
        NeuronChoice[] choices = new NeuronChoice[BATCH];
        for (int i = 0; i < BATCH; i++) {
            choices[i] = new NeuronChoice(seeded, 0, i % (int) s[1], (int) s[2] - 1 - i % (int) s[2], 1f, 0f);
        }
        Cone cone = Cone.of(spec, seeded, choices);
        if (expected) {
            assertNotNull(cone, layer + " is cropped");
        } else {
            assertNull(cone, layer + " walks whole maps");
        }
    }

    private static void report(String what, Tally t) {
        assertTrue(t.failures.isEmpty(), what + ":\n" + String.join("\n", t.failures));
        assertTrue(t.cropped > 0, what + ": no comparison used a crop");
        assertTrue(t.nonZero * 3 > t.compared, what + ": only " + t.nonZero + " of " + t.compared + " maps are non-zero");
    }

    /**
     * Every spatial node: its max neuron, a channel's max, and fixed neurons at two corners, an edge and
     * the centre; for the larger networks ({@code sitesOnly}) only rectifiers and max pools, and only
     * the max neuron, a corner and the centre.
     */
    private static Tally checkAll(Network net, long seed, boolean sitesOnly) {
        ModelSpec spec = net.spec();
        int[] in = spec.input();
        Tally t = new Tally();
        NDArray x = root.create(TestFiles.randomFloats(BATCH * in[0] * in[1] * in[2], seed),
                new Shape(BATCH, in[0], in[1], in[2]));
        for (int i = 0; i < spec.layers().size(); i++) {
            long[] s = spec.outputShape(i);
            LayerType type = spec.layer(i).type();
            if (s.length != 3 || sitesOnly && !spec.layer(i).kind().isRectifier() && type != LayerType.MAXPOOL2D) {
                continue;
            }
            int h = (int) s[1];
            int w = (int) s[2];
            int c = (int) (s[0] - 1);
            List<String> targets = List.of("max-neuron:" + i, "channel-max:" + i + ":" + (c / 2),
                    "neuron:" + i + ":" + c + ",0,0", "neuron:" + i + ":0," + (h - 1) + "," + (w - 1),
                    "neuron:" + i + ":" + (c / 3) + "," + (h / 2) + ",0",
                    "neuron:" + i + ":" + (c / 4) + "," + (h / 2) + "," + (w / 2));
            if (sitesOnly) {
                targets = List.of(targets.get(0), targets.get(2), targets.get(5));
            }
            for (String spec1 : targets) {
                compare(net, x, Target.parse(spec1, spec), t);
            }
        }
        x.close();
        return t;
    }

    private static void compare(Network net, NDArray x, Target target, Tally t) {
        ModelSpec spec = net.spec();
        NeuronChoice[] choices = null;
        for (ReluRule rule : new ReluRule[] {ReluRule.GRADIENT, ReluRule.DECONVNET, ReluRule.GUIDED}) {
            LayerwiseBackprop cropped = new LayerwiseBackprop(net, rule);
            AttributionResult a = cropped.attribute(x, target);
            AttributionResult b = cropped.fullWalk().attribute(x, target);
            String where = target.spec() + " " + rule.id();
            double err = LayerwiseBackpropTest.relativeError(a.maps(), b.maps());
            t.compared++;
            if (!(err <= TOLERANCE)) {
                t.failures.add(where + ": relative error " + err);
            }
            if (LayerwiseBackpropTest.norm(b.maps()) > 0) {
                t.nonZero++;
            }
            for (int i = 0; i < BATCH; i++) {
                if (!a.choice(i).equals(b.choice(i))) {
                    t.failures.add(where + ": image " + i + " chose " + a.choice(i) + ", the full walk " + b.choice(i));
                }
            }
            if (a.reluSitesApplied() != b.reluSitesApplied() || a.reluSitesOnPath() != b.reluSitesOnPath()) {
                t.failures.add(where + ": rectifier sites " + a.reluSitesApplied() + "/" + a.reluSitesOnPath()
                        + " against " + b.reluSitesApplied() + "/" + b.reluSitesOnPath());
            }
            choices = new NeuronChoice[BATCH];
            for (int i = 0; i < BATCH; i++) {
                choices[i] = b.choice(i);
            }
        }
        if (Cone.of(spec, target.layer(spec), choices) != null) {
            t.cropped++;
        }
        // SmoothGrad and integrated gradients differentiate the fixed neurons, seeded with 1, on changed copies.
        Target.Fixed fixed = Target.Fixed.repeat(target, choices, spec, 2);
        try (NDScope scope = new NDScope()) {
            NDArray copies = x.repeat(0, 2).mul(0.5f);
            LayerwiseBackprop walk = new LayerwiseBackprop(net, ReluRule.GUIDED);
            float[] a = walk.pass(copies, fixed, ModelSpec.GRAPH_INPUT).values();
            float[] b = walk.fullWalk().pass(copies, fixed, ModelSpec.GRAPH_INPUT).values();
            double err = LayerwiseBackpropTest.relativeError(a, b);
            t.compared++;
            if (LayerwiseBackpropTest.norm(b) > 0) {
                t.nonZero++;
            }
            if (!(err <= TOLERANCE)) {
                t.failures.add(target.spec() + " fixed, seed 1: relative error " + err);
            }
        }
    }
}
