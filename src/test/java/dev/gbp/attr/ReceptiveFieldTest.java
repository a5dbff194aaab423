package dev.gbp.attr;

import dev.gbp.model.ReceptiveField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.metrics.Stats;
import dev.gbp.model.LayerType;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.NpyArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Receptive fields against the support of autograd gradients, and the interior rule of max-neuron targets. */
class ReceptiveFieldTest {
    /** The seed network's architecture, as `gbp train --arch` took it (the shipped bundle's model.json has its layers). */
    static final Path SEED = Path.of("src/main/resources/dev/gbp/model/cifar10-seed.json");
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

    /** The seed network: three conv layers, and its conv3_relu sees at least 24 x 24 px. */
    @Test
    void theSeedNetworksConv3SeesAtLeastTwentyFourPixels() {
        ModelSpec spec = ModelSpec.read(SEED);
        assertEquals(3, spec.layers().stream().filter(l -> l.type() == LayerType.CONV2D).count());
        int layer = spec.seedLayer();
        assertEquals("conv3_relu", spec.layer(layer).name());
        long[] s = spec.outputShape(layer);
        ReceptiveField.Field f = ReceptiveField.field(spec, layer, (int) s[1] / 2, (int) s[2] / 2);
        assertTrue(f.fieldWidth() >= 24 && f.fieldHeight() >= 24, f.toString());
        // And the field is what the network really sees: every position's box is the gradient's support.
        for (int[] yx : new int[][] {{0, 0}, {0, (int) s[2] - 1}, {(int) s[1] / 2, (int) s[2] / 2}, {(int) s[1] - 1, 2}}) {
            assertArrayEquals(supportOfGradient(spec, layer, yx[0], yx[1]), ReceptiveField.of(spec, layer, yx[0], yx[1]),
                    "position " + yx[0] + "," + yx[1]);
        }
    }

    /** conv 3x3 p1, pool 2, conv 3x3 p1, pool 2, conv 5x5 p2: the field of (y, x) is rows 4y-11..4y+14, computed by hand. */
    @Test
    void fieldsAndInsideFractionsByHand() {
        ModelSpec spec = seedGeometry(false);
        int layer = spec.resolveLayer("conv3_relu");
        ReceptiveField.Field corner = ReceptiveField.field(spec, layer, 0, 0);
        assertEquals(new ReceptiveField.Field(-11, -11, 14, 14, 32, 32), corner);
        assertTrue(corner.isClipped());
        assertEquals((15.0 / 26) * (15.0 / 26), corner.insideFraction(), 1e-12);
        ReceptiveField.Field centre = ReceptiveField.field(spec, layer, 3, 4);
        assertEquals(new ReceptiveField.Field(5, 1, 30, 26, 32, 32), centre);
        assertFalse(centre.isClipped());
        assertEquals(1.0, centre.insideFraction(), 0);
        // Interior positions: at least half inside. Per axis 0 and 7 keep 15/26, 1 and 6 keep 19/26, 2 and 5 keep 23/26.
        boolean[] interior = ReceptiveField.interior(spec, layer);
        double[] axis = {15, 19, 23, 26, 26, 23, 19, 15};
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(axis[y] / 26 * axis[x] / 26 >= 0.5, interior[y * 8 + x], y + "," + x);
            }
        }
        assertFalse(interior[0] || interior[1] || interior[8]);
        assertTrue(interior[2] && interior[9]);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertArrayEquals(supportOfGradient(spec, layer, y, x), ReceptiveField.of(spec, layer, y, x), y + "," + x);
            }
        }
    }

    /** max-interior-neuron takes the first maximum among interior positions, and its gap among them. */
    @Test
    void interiorMaxNeuronIsTheMaximumOverInteriorPositions() {
        ModelSpec spec = seedGeometry(true);
        int layer = spec.resolveLayer("conv3_relu");
        boolean[] interior = ReceptiveField.interior(spec, layer);
        try (Network net = Network.create(spec, root, 3)) {
            int n = 6;
            NDArray x = root.create(TestFiles.randomFloats(n * 3 * 32 * 32, 8), new Shape(n, 3, 32, 32));
            AttributionResult any = GuidedBackprop.of(net).attribute(x, Target.parse("max-neuron:conv3_relu", spec));
            AttributionResult in = GuidedBackprop.of(net).attribute(x, Target.parse("max-interior-neuron:conv3_relu", spec));
            assertEquals("max-interior-neuron:conv3_relu", in.target().spec());
            float[] act = net.forwardTo(x, layer).toFloatArray();
            int per = act.length / n;
            for (int i = 0; i < n; i++) {
                int best = -1;
                float second = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < per; k++) {
                    if (interior[k % 64] && (best < 0 || act[i * per + k] > act[i * per + best])) {
                        best = k;
                    }
                }
                for (int k = 0; k < per; k++) {
                    if (k != best && interior[k % 64]) {
                        second = Math.max(second, act[i * per + k]);
                    }
                }
                NeuronChoice c = in.choice(i);
                assertEquals(best, (c.c() * 8 + c.y()) * 8 + c.x());
                assertEquals(act[i * per + best], c.activation(), 0f);
                assertEquals(act[i * per + best] - second, c.gap(), 1e-6f);
                int plain = Stats.argMax(act, i * per, (i + 1) * per) - i * per;
                NeuronChoice p = any.choice(i);
                assertEquals(plain, (p.c() * 8 + p.y()) * 8 + p.x());
            }
            // The interior map is the map of that neuron, as an explicit neuron target gives it.
            NeuronChoice c0 = in.choice(0);
            AttributionResult fixed = GuidedBackprop.of(net).attribute(x.get("0:1"),
                    Target.parse("neuron:conv3_relu:" + c0.c() + "," + c0.y() + "," + c0.x(), spec));
            assertTrue(LayerwiseBackpropTest.relativeError(fixed.map(0), in.map(0)) <= 1e-6);
        }
    }

    @Test
    void aLayerWithoutInteriorPositionsIsRefusedByName() {
        // A 1 x 1 image behind a 5 x 5 convolution with padding 2: the field is 5 x 5, 1/25 of it inside.
        ObjectNode tiny = seedGeometry(false).toJson();
        tiny.putArray("input").add(3).add(1).add(1);
        tiny.putArray("layers").addObject().put("type", "conv2d").put("name", "c").put("in_channels", 3)
                .put("out_channels", 2).put("kernel_size", 5).put("padding", 2);
        ((com.fasterxml.jackson.databind.node.ArrayNode) tiny.get("layers")).addObject().put("type", "relu").put("name", "r");
        ((com.fasterxml.jackson.databind.node.ArrayNode) tiny.get("layers")).addObject().put("type", "flatten");
        ((com.fasterxml.jackson.databind.node.ArrayNode) tiny.get("layers")).addObject().put("type", "linear").put("name", "fc")
                .put("in_features", 2).put("out_features", 10);
        ModelSpec spec = ModelSpec.fromJson(tiny);
        String m = assertThrows(dev.gbp.GbpInputException.class, () -> Target.parse("max-interior-neuron:r", spec)).getMessage();
        assertTrue(m.contains("'r'") && m.contains("interior"), m);
    }

    /**
     * The seed network's geometry, built here independently of the shipped file, with 16 channels
     * (libtorch's convolution backward, the reference here, fails for 8 or fewer on some machines).
     */
    static ModelSpec seedGeometry(boolean maxPools) {
        String pool = maxPools ? "maxpool2d" : "avgpool2d";
        String json = "{\"format\":\"gbp-model/1\",\"input\":[3,32,32],\"classes\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"],"
                + "\"normalize\":{\"mean\":[0,0,0],\"std\":[1,1,1]},\"layers\":["
                + "{\"type\":\"conv2d\",\"name\":\"conv1\",\"in_channels\":3,\"out_channels\":16,\"kernel_size\":3,\"padding\":1},"
                + "{\"type\":\"relu\",\"name\":\"conv1_relu\"},{\"type\":\"" + pool + "\",\"kernel_size\":2},"
                + "{\"type\":\"conv2d\",\"name\":\"conv2\",\"in_channels\":16,\"out_channels\":16,\"kernel_size\":3,\"padding\":1},"
                + "{\"type\":\"relu\",\"name\":\"conv2_relu\"},{\"type\":\"" + pool + "\",\"kernel_size\":2},"
                + "{\"type\":\"conv2d\",\"name\":\"conv3\",\"in_channels\":16,\"out_channels\":16,\"kernel_size\":5,\"padding\":2},"
                + "{\"type\":\"relu\",\"name\":\"conv3_relu\"},{\"type\":\"" + pool + "\",\"kernel_size\":2},"
                + "{\"type\":\"global_avgpool\"},{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":16,\"out_features\":10}]}";
        try {
            return ModelSpec.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The bounding box {x0, y0, x1, y1} of the pixels where DJL's autograd gradient of neuron (0, y, x) is
     * non-zero, on a copy of {@code spec} with every max-pool made an average pool of the same window (so
     * every pixel of a window gets gradient), positive weights, BatchNorm as the identity and a positive
     * image: every unit is then active and the support is the whole field.
     */
    static int[] supportOfGradient(ModelSpec spec, int layer, int y, int x) {
        ObjectNode json = spec.toJson();
        for (var l : json.get("layers")) {
            if ("maxpool2d".equals(l.get("type").asText())) {
                ((ObjectNode) l).put("type", "avgpool2d");
                for (var pad : l.get("padding") == null ? List.<com.fasterxml.jackson.databind.JsonNode>of() : List.of(l.get("padding"))) {
                    assertTrue(pad.isInt() ? pad.asInt() == 0 : pad.get(0).asInt() == 0 && pad.get(1).asInt() == 0,
                            "padded pools are not averaged here");
                }
                ((ObjectNode) l).remove("padding");
            }
        }
        ModelSpec avg = ModelSpec.fromJson(json);
        int[] in = spec.input();
        try (Network net = Network.create(avg, root, 1)) {
            Map<String, NpyArray> w = new LinkedHashMap<>();
            Random r = new Random(4);
            for (var e : net.weights().entrySet()) {
                float[] v = new float[e.getValue().data().length];
                String k = e.getKey();
                for (int i = 0; i < v.length; i++) {
                    v[i] = k.endsWith("running_var") || (k.endsWith(".weight") && k.startsWith("bn")) ? 1f
                            : k.endsWith("running_mean") || k.startsWith("bn") ? 0f : 0.01f + r.nextFloat() * 0.1f;
                }
                w.put(k, new NpyArray(e.getValue().shape(), v));
            }
            net.setWeights(w, "test");
            float[] px = new float[in[0] * in[1] * in[2]];
            for (int i = 0; i < px.length; i++) {
                px[i] = 0.5f + r.nextFloat();
            }
            NDArray image = root.create(px, new Shape(1, in[0], in[1], in[2]));
            image.setRequiresGradient(true);
            float[] g;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = net.forwardTo(image, layer);
                gc.backward(out.get("0,0," + y + "," + x));
                g = image.getGradient().toFloatArray();
            }
            int x0 = Integer.MAX_VALUE;
            int y0 = Integer.MAX_VALUE;
            int x1 = -1;
            int y1 = -1;
            for (int c = 0; c < in[0]; c++) {
                for (int yy = 0; yy < in[1]; yy++) {
                    for (int xx = 0; xx < in[2]; xx++) {
                        if (g[(c * in[1] + yy) * in[2] + xx] != 0f) {
                            x0 = Math.min(x0, xx);
                            y0 = Math.min(y0, yy);
                            x1 = Math.max(x1, xx);
                            y1 = Math.max(y1, yy);
                        }
                    }
                }
            }
            return new int[] {x0, y0, x1, y1};
        }
    }
}
