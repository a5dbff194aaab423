package dev.gbp.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.LayerType;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.Npy;
import dev.gbp.model.NpyArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer-wise walk on graphs. On residual, concat, depthwise and ReLU6 networks built here (16 or
 * more channels: libtorch's conv backward is wrong for fewer on AVX-512 machines) the {@code gradient}
 * rule equals DJL's full autograd through the whole graph; on the ONNX fixtures of
 * src/test/resources/onnx, {@code gradient} and {@code guided} equal the maps PyTorch computed with its
 * own autograd and backward hooks (make_fixtures.py).
 */
class GraphBackpropTest {
    private static final List<String> CLASSES = List.of("a", "b", "c", "d", "e");
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

    private static ModelSpec spec(int h, int w, LayerSpec... nodes) {
        return new ModelSpec(new int[] {3, h, w}, CLASSES, new float[] {0.1f, 0.2f, 0.3f},
                new float[] {0.9f, 1.1f, 1.3f}, List.of(nodes));
    }

    /** Two residual blocks (identity and strided projection shortcuts), max-pool with padding, global pooling. */
    static ModelSpec residual() {
        return spec(14, 12,
                LayerSpec.conv2d("stem", 3, 16, 3, 1, 1, false).withInputs("input"),
                LayerSpec.batchNorm2d("stem_bn", 16).withInputs("stem"),
                LayerSpec.relu("stem_relu").withInputs("stem_bn"),
                LayerSpec.conv2d("a1", 16, 16, 3, 1, 1, false).withInputs("stem_relu"),
                LayerSpec.batchNorm2d("a1_bn", 16).withInputs("a1"),
                LayerSpec.relu("a1_relu").withInputs("a1_bn"),
                LayerSpec.conv2d("a2", 16, 16, 3, 1, 1, false).withInputs("a1_relu"),
                LayerSpec.batchNorm2d("a2_bn", 16).withInputs("a2"),
                LayerSpec.add("a_add", "a2_bn", "stem_relu"),
                LayerSpec.relu("a_relu").withInputs("a_add"),
                LayerSpec.conv2d("b1", 16, 32, 3, 2, 1, false).withInputs("a_relu"),
                LayerSpec.batchNorm2d("b1_bn", 32).withInputs("b1"),
                LayerSpec.relu("b1_relu").withInputs("b1_bn"),
                LayerSpec.conv2d("b2", 32, 32, 3, 1, 1, false).withInputs("b1_relu"),
                LayerSpec.batchNorm2d("b2_bn", 32).withInputs("b2"),
                LayerSpec.conv2d("b_short", 16, 32, 1, 2, 0, false).withInputs("a_relu"),
                LayerSpec.batchNorm2d("b_short_bn", 32).withInputs("b_short"),
                LayerSpec.add("b_add", "b2_bn", "b_short_bn"),
                LayerSpec.relu("b_relu").withInputs("b_add"),
                LayerSpec.pool(LayerType.MAXPOOL2D, "pool", 3, 2, 1, false, true).withInputs("b_relu"),
                LayerSpec.globalAvgPool().withName("gap").withInputs("pool"),
                LayerSpec.linear("fc", 32, 5, true).withInputs("gap"));
    }

    /** A fire module: 1x1 and 3x3 branches concatenated, a ceil-mode max-pool, an average pool not counting its padding. */
    static ModelSpec concat() {
        return spec(13, 15,
                LayerSpec.conv2d("squeeze", 3, 16, 3, 1, 1, true).withInputs("input"),
                LayerSpec.relu("squeeze_relu").withInputs("squeeze"),
                LayerSpec.conv2d("e1", 16, 16, 1, 1, 0, true).withInputs("squeeze_relu"),
                LayerSpec.relu("e1_relu").withInputs("e1"),
                LayerSpec.conv2d("e3", 16, 16, 3, 1, 1, true).withInputs("squeeze_relu"),
                LayerSpec.relu("e3_relu").withInputs("e3"),
                LayerSpec.concat("cat", "e1_relu", "e3_relu"),
                LayerSpec.pool(LayerType.MAXPOOL2D, "mp", 3, 2, 0, true, true).withInputs("cat"),
                LayerSpec.pool(LayerType.AVGPOOL2D, "ap", 3, 1, 1, false, false).withInputs("mp"),
                LayerSpec.flatten().withName("flat").withInputs("ap"),
                LayerSpec.linear("fc", 32 * 6 * 7, 5, true).withInputs("flat"));
    }

    /** MobileNet-like: ReLU6, unequal zero padding, a depthwise and a dilated convolution, grouped 1x1. */
    static ModelSpec mobile() {
        return spec(12, 16,
                LayerSpec.conv2d("stem", 3, 16, 3, 1, 1, false).withInputs("input"),
                LayerSpec.batchNorm2d("stem_bn", 16).withInputs("stem"),
                LayerSpec.relu6("stem_relu6").withInputs("stem_bn"),
                LayerSpec.pad("pad", 1, 0, 0, 1).withInputs("stem_relu6"),
                LayerSpec.conv2d("dw", 16, 16, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0, 0, 0},
                        new int[] {1, 1}, 16, false).withInputs("pad"),
                LayerSpec.batchNorm2d("dw_bn", 16).withInputs("dw"),
                LayerSpec.relu6("dw_relu6").withInputs("dw_bn"),
                LayerSpec.conv2d("dil", 16, 32, new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 1, 1, 2},
                        new int[] {2, 2}, 2, true).withInputs("dw_relu6"),
                LayerSpec.relu6("dil_relu6").withInputs("dil"),
                LayerSpec.add("sum", "dil_relu6", "dil"),
                LayerSpec.identity("id").withInputs("sum"),
                LayerSpec.globalAvgPool().withName("gap").withInputs("id"),
                LayerSpec.linear("fc", 32, 5, true).withInputs("gap"));
    }

    /** Random BatchNorm statistics and affine parameters, so that BatchNorm is not the identity. */
    static void randomizeBatchNorm(Network net, long seed) {
        Random r = new Random(seed);
        Map<String, NpyArray> w = net.weights();
        w.replaceAll((k, v) -> {
            if (!k.contains("_bn.")) {
                return v;
            }
            float[] d = v.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = k.endsWith("running_var") || k.endsWith("weight") ? 0.5f + r.nextFloat()
                        : (float) r.nextGaussian() * 0.3f;
            }
            return new NpyArray(v.shape(), d);
        });
        net.setWeights(w, "test");
    }

    @Test
    void gradientRuleEqualsFullAutogradOnResidualConcatAndMobileGraphs() {
        List<String> failures = new ArrayList<>();
        check(residual(), List.of("predicted", "max-neuron:a_relu", "max-neuron:b_relu", "neuron:a1_relu:3,2,5",
                "channel-max:stem_relu:7", "max-neuron:pool"), failures);
        check(concat(), List.of("predicted", "class:c", "max-neuron:e1_relu", "max-neuron:cat", "max-neuron:ap"), failures);
        check(mobile(), List.of("predicted", "max-neuron:dw_bn", "max-neuron:dil_relu6", "max-neuron:sum",
                "neuron:stem_relu6:2,1,0"), failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void check(ModelSpec spec, List<String> targets, List<String> failures) {
        int[] in = spec.input();
        try (Network net = Network.create(spec, root, 3)) {
            randomizeBatchNorm(net, 5);
            NDArray x = root.create(TestFiles.randomFloats(3 * in[0] * in[1] * in[2], 9), new Shape(3, in[0], in[1], in[2]));
            for (String t : targets) {
                Target target = Target.parse(t, spec);
                AttributionResult walk = GuidedBackprop.gradient(net).attribute(x, target);
                AttributionResult autograd = new AutogradGradient(net).attribute(x, target);
                double err = LayerwiseBackpropTest.relativeError(walk.maps(), autograd.maps());
                if (!(err <= 1e-5) || !(LayerwiseBackpropTest.norm(autograd.maps()) > 0)) {
                    failures.add(spec.layers().size() + "-node graph, target " + t + ": relative error " + err
                            + ", autograd norm " + LayerwiseBackpropTest.norm(autograd.maps()));
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals(autograd.choice(i), walk.choice(i), t + ": the same neuron is chosen");
                }
                assertEquals(walk.reluSitesOnPath(), walk.reluSitesApplied(), t);
            }
        }
    }

    @Test
    void guidedAndGradientEqualPyTorchOnTheOnnxFixtures() throws Exception {
        Path fixtures = TestFiles.ONNX_FIXTURES;
        JsonNode index = new ObjectMapper().readTree(fixtures.resolve("index.json").toFile());
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (var it = index.get("models").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode m = e.getValue();
            Path out = tmp.resolve(e.getKey());
            assertEquals(0, TestFiles.importFixture(m, out), "gbp import " + e.getKey());
            NpyArray inputs = Npy.read(fixtures.resolve(m.get("files").get("inputs").asText()));
            try (NDManager manager = NDManager.newBaseManager(); Network net = Network.load(out, manager)) {
                NDArray x = manager.create(inputs.data(), new Shape(inputs.shape()));
                String[][] cases = {{"top_logit", "predicted"}, {"max_activation", "max-neuron:" + m.get("relu_node").asText()}};
                for (String[] c : cases) {
                    Target target = Target.parse(c[1], net.spec());
                    for (String rule : new String[] {"gradient", "guided"}) {
                        float[] ref = Npy.read(fixtures.resolve(m.get("files").get(c[0] + "." + rule).asText())).data();
                        LayerwiseBackprop walk = new LayerwiseBackprop(net, ReluRule.parse(rule));
                        AttributionResult r = walk.attribute(x, target);
                        float[] got = r.maps().clone();
                        if (target.isNeuronTarget()) {
                            // gbp seeds a neuron with its own activation (the seed experiment); PyTorch's reference with 1.
                            int per = got.length / r.size();
                            for (int i = 0; i < got.length; i++) {
                                got[i] /= r.choice(i / per).activation();
                            }
                        }
                        double err = LayerwiseBackpropTest.relativeError(got, ref);
                        compared++;
                        if (!(err <= 1e-5) || !(LayerwiseBackpropTest.norm(ref) > 0)) {
                            failures.add(e.getKey() + " " + c[1] + " " + rule + ": relative error " + err + " against PyTorch");
                        }
                        if (rule.equals("gradient")) {
                            double djl = LayerwiseBackpropTest.relativeError(r.maps(), new AutogradGradient(net).attribute(x, target).maps());
                            if (!(djl <= 1e-5)) {
                                failures.add(e.getKey() + " " + c[1] + " gradient: relative error " + djl + " against DJL's autograd");
                            }
                        }
                    }
                }
            }
        }
        assertTrue(compared >= 16, "compared " + compared);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
