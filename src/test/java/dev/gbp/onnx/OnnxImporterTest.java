package dev.gbp.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.TestFiles;
import dev.gbp.model.NpyArray;
import dev.gbp.model.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gbp import on the fixtures made by src/test/resources/onnx/make_fixtures.py and on the shared real models. */
class OnnxImporterTest {
    static final Path FIXTURES = TestFiles.ONNX_FIXTURES;
    static final Path SHARED = Paths.get("../shared/models/onnx");

    @TempDir
    Path tmp;

    private static ImportedModel read(String name) throws IOException {
        return OnnxImporter.read(FIXTURES.resolve(name + ".onnx"));
    }

    private static JsonNode node(ImportedModel m, String name) {
        return m.nodes().stream().filter(n -> n.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
    }

    private static List<String> types(ImportedModel m) {
        return m.nodes().stream().map(n -> n.get("type").asText()).toList();
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }

    private static List<String> inputs(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.get("inputs").forEach(i -> out.add(i.asText()));
        return out;
    }

    private static void shape(ImportedModel m, String array, long... dims) {
        NpyArray a = m.arrays().get(array);
        assertTrue(a != null, "no array " + array + " in " + m.arrays().keySet());
        assertArrayEquals(dims, a.shape(), array);
    }

    /** Topological order, inputs defined before use, unique names, every output but the last used. */
    private static void wellFormed(ImportedModel m) {
        Set<String> defined = new HashSet<>(Set.of("input"));
        Set<String> used = new HashSet<>();
        for (ObjectNode n : m.nodes()) {
            for (String in : inputs(n)) {
                assertTrue(defined.contains(in), n + " uses " + in + " before it is defined");
                used.add(in);
            }
            assertTrue(defined.add(n.get("name").asText()), "duplicate name " + n.get("name"));
        }
        for (int i = 0; i < m.nodes().size() - 1; i++) {
            assertTrue(used.contains(m.nodes().get(i).get("name").asText()), "dead node " + m.nodes().get(i));
        }
        for (String a : m.arrays().keySet()) {
            String owner = a.substring(0, a.lastIndexOf('.'));
            assertTrue(m.nodes().stream().anyMatch(n -> n.get("name").asText().equals(owner)), "orphan array " + a);
        }
    }

    @Test
    void residualNetKeepsBatchNormAndAdds() throws IOException {
        ImportedModel m = read("residual");
        wellFormed(m);
        assertArrayEquals(new int[] {3, 20, 24}, m.input());
        assertEquals(10, m.outputs());
        assertEquals(List.of("conv2d", "batchnorm2d", "relu", "conv2d", "batchnorm2d", "relu", "conv2d", "batchnorm2d", "add",
                "relu", "conv2d", "batchnorm2d", "relu", "conv2d", "batchnorm2d", "conv2d", "batchnorm2d", "add", "relu",
                "global_avgpool", "linear"), types(m));
        JsonNode conv1 = node(m, "/conv1/Conv");
        assertEquals(List.of("input"), inputs(conv1));
        assertEquals(3, conv1.get("in_channels").asInt());
        assertEquals(16, conv1.get("out_channels").asInt());
        assertArrayEquals(new int[] {3, 3}, ints(conv1.get("kernel_size")));
        assertArrayEquals(new int[] {1, 1, 1, 1}, ints(conv1.get("padding")));
        assertFalse(conv1.get("bias").asBoolean());
        shape(m, "/conv1/Conv.weight", 16, 3, 3, 3);
        assertFalse(m.arrays().containsKey("/conv1/Conv.bias"));
        JsonNode bn = node(m, "/bn1/BatchNormalization");
        assertEquals(16, bn.get("num_features").asInt());
        assertEquals(1e-5, bn.get("eps").asDouble(), 1e-12);
        for (String f : List.of("weight", "bias", "running_mean", "running_var")) {
            shape(m, "/bn1/BatchNormalization." + f, 16);
        }
        assertEquals(List.of("/relu1/Relu", "/b1bn2/BatchNormalization"), inputs(node(m, "/Add")));
        JsonNode proj = node(m, "/b2proj/Conv");
        assertArrayEquals(new int[] {2, 2}, ints(proj.get("stride")));
        assertEquals(List.of("/b1relu2/Relu"), inputs(proj));
        assertTrue(node(m, "/b2conv2/Conv").get("bias").asBoolean());
        shape(m, "/b2conv2/Conv.bias", 32);
        assertEquals(List.of("/b2bn2/BatchNormalization", "/b2projbn/BatchNormalization"), inputs(node(m, "/Add_1")));
        // GlobalAveragePool -> Flatten: the pool's output is already flat, the Flatten disappears.
        JsonNode fc = node(m, "/fc/Gemm");
        assertEquals(List.of("/pool/GlobalAveragePool"), inputs(fc));
        assertEquals(32, fc.get("in_features").asInt());
        assertEquals(10, fc.get("out_features").asInt());
        shape(m, "/fc/Gemm.weight", 10, 32);
        shape(m, "/fc/Gemm.bias", 10);
    }

    @Test
    void concatNetPoolsWithCeilModeAndCountIncludePad() throws IOException {
        ImportedModel m = read("concat");
        wellFormed(m);
        assertArrayEquals(new int[] {3, 32, 32}, m.input());
        assertEquals(16, m.outputs());
        JsonNode max = node(m, "/pool1/MaxPool");
        assertEquals("maxpool2d", max.get("type").asText());
        assertArrayEquals(new int[] {3, 3}, ints(max.get("kernel_size")));
        assertArrayEquals(new int[] {2, 2}, ints(max.get("stride")));
        assertArrayEquals(new int[] {1, 1, 1, 1}, ints(max.get("padding")));
        assertTrue(max.get("ceil_mode").asBoolean());
        JsonNode avg = node(m, "/pool2/AveragePool");
        assertEquals("avgpool2d", avg.get("type").asText());
        assertTrue(avg.get("ceil_mode").asBoolean());
        assertFalse(avg.get("count_include_pad").asBoolean());
        assertArrayEquals(new int[] {1, 1, 1, 1}, ints(avg.get("padding")));
        JsonNode cat = node(m, "/fire1/Concat");
        assertEquals("concat", cat.get("type").asText());
        assertEquals(List.of("/fire1/expand1_relu/Relu", "/fire1/expand3_relu/Relu"), inputs(cat));
        assertEquals(32, node(m, "/fire2/squeeze/Conv").get("in_channels").asInt());
        shape(m, "/fire1/expand3/Conv.weight", 16, 16, 3, 3);
        // The graph output is Flatten(GlobalAveragePool): the pool is the last node.
        JsonNode last = m.nodes().get(m.nodes().size() - 1);
        assertEquals("global_avgpool", last.get("type").asText());
        assertEquals("/pool/GlobalAveragePool", last.get("name").asText());
    }

    @Test
    void mobileNetFoldsItsShapeSubgraphToFlatten() throws IOException {
        ImportedModel m = read("mobile");
        wellFormed(m);
        assertEquals(List.of("conv2d", "relu6", "pad", "conv2d", "relu6", "conv2d", "relu6", "conv2d", "relu", "maxpool2d",
                "flatten", "identity", "identity", "linear"), types(m));
        assertArrayEquals(new int[] {1, 1, 0, 0}, ints(node(m, "/pad/Pad").get("padding")));
        JsonNode dw = node(m, "/dw/Conv");
        assertEquals(16, dw.get("groups").asInt());
        assertArrayEquals(new int[] {2, 2}, ints(dw.get("stride")));
        shape(m, "/dw/Conv.weight", 16, 1, 3, 3);
        JsonNode dil = node(m, "/dil/Conv");
        assertArrayEquals(new int[] {2, 2}, ints(dil.get("dilation")));
        assertArrayEquals(new int[] {2, 2, 2, 2}, ints(dil.get("padding")));
        // x.view(x.size(0), -1): Shape, Gather, Unsqueeze, Concat, Reshape fold to one flatten.
        JsonNode flat = node(m, "/Reshape");
        assertEquals("flatten", flat.get("type").asText());
        assertEquals(List.of("/pool/MaxPool"), inputs(flat));
        assertEquals(1, flat.size() - 2, "flatten has no fields but inputs: " + flat);
        assertTrue(m.nodes().stream().noneMatch(n -> n.get("name").asText().startsWith("/Shape")
                || n.get("name").asText().startsWith("/Gather") || n.get("name").asText().startsWith("/Concat")));
        assertEquals(List.of("/Reshape"), inputs(node(m, "/dropout/Dropout")));
        // MatMul + Add fuse into one linear with the bias; W (in, out) is transposed.
        JsonNode fc = node(m, "/MatMul");
        assertEquals("linear", fc.get("type").asText());
        assertEquals(960, fc.get("in_features").asInt());
        assertTrue(fc.get("bias").asBoolean());
        shape(m, "/MatMul.weight", 10, 960);
        shape(m, "/MatMul.bias", 10);
        assertEquals(List.of("/identity/Identity"), inputs(fc));
    }

    @Test
    void gemmWithTransBZeroIsTransposedAndScaled() throws IOException {
        ImportedModel m = read("gemm");
        wellFormed(m);
        assertEquals(List.of("flatten", "linear", "relu", "linear"), types(m));
        assertEquals(List.of("input"), inputs(node(m, "flatten")));
        shape(m, "fc1.weight", 32, 144);
        shape(m, "fc1.bias", 32);
        shape(m, "fc2.weight", 10, 32);
        // Against the file's own initializers: weight = alpha * B^T, bias = beta * C.
        float[] w = m.arrays().get("fc1.weight").data();
        float[] b = m.arrays().get("fc1.bias").data();
        float[] w2 = m.arrays().get("fc2.weight").data();
        ImportedModel again = read("gemm");
        assertArrayEquals(w, again.arrays().get("fc1.weight").data());
        assertEquals(32 * 144, w.length);
        assertEquals(10 * 32, w2.length);
        assertEquals(32, b.length);
    }

    @Test
    void gemmWeightsMatchTheInitializers() throws IOException {
        var model = dev.gbp.onnx.proto.Onnx.ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("gemm.onnx")));
        Map<String, Tensor> init = new java.util.HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), Tensor.read(t, t.getName())));
        ImportedModel m = read("gemm");
        Tensor bt = init.get("fc1.B");
        float[] w = m.arrays().get("fc1.weight").data();
        for (int i = 0; i < 144; i++) {
            for (int o = 0; o < 32; o++) {
                assertEquals(0.5f * bt.floatData()[i * 32 + o], w[o * 144 + i], 0f);
            }
        }
        float[] c = init.get("fc1.C").floatData();
        float[] b = m.arrays().get("fc1.bias").data();
        for (int o = 0; o < 32; o++) {
            assertEquals(2f * c[o], b[o], 0f);
        }
        assertArrayEquals(init.get("fc2.B").floatData(), m.arrays().get("fc2.weight").data());
    }

    @Test
    void unsupportedOpNamesTheNodeTheOpAndTheSupportedOnes() {
        OnnxException e = assertThrows(OnnxException.class, () -> read("unsupported_sigmoid"));
        assertTrue(e.getMessage().contains("unsupported_sigmoid.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("'/act/Sigmoid'"), e.getMessage());
        assertTrue(e.getMessage().contains("Sigmoid is not supported"), e.getMessage());
        assertTrue(e.getMessage().contains("Conv, Gemm, MatMul"), e.getMessage());
    }

    @Test
    void externalDataIsRefusedNamingTheTensor() {
        OnnxException e = assertThrows(OnnxException.class, () -> read("external_data"));
        assertTrue(e.getMessage().contains("external_data.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("'conv.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains("external"), e.getMessage());
    }

    @Test
    void truncatedFilesAreRefusedNamingTheFile() throws IOException {
        byte[] all = Files.readAllBytes(FIXTURES.resolve("residual.onnx"));
        for (int len : new int[] {0, 1, 7, 100, all.length / 3, all.length / 2, all.length - 1}) {
            Path f = tmp.resolve("cut-" + len + ".onnx");
            Files.write(f, Arrays.copyOf(all, len));
            OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.read(f), "length " + len);
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
        Path text = tmp.resolve("text.onnx");
        Files.writeString(text, "this is not a protobuf file at all\n");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.read(text));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
    }

    @Test
    void commandWritesTheBundleAndExitsTwoOnBadInput() throws IOException {
        Path out = tmp.resolve("bundle");
        Path classes = tmp.resolve("classes.txt");
        Files.writeString(classes, "a\nb\n\nc\nd\ne\nf\ng\nh\ni\nj\n");
        assertEquals(0, TestFiles.runQuietly("import", FIXTURES.resolve("mobile.onnx").toString(), "--out", out.toString(),
                "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25", "--classes", classes.toString()));
        JsonNode j = new ObjectMapper().readTree(out.resolve("model.json").toFile());
        assertEquals("gbp-model/2", j.get("format").asText());
        assertArrayEquals(new int[] {3, 20, 24}, ints(j.get("input")));
        assertEquals(10, j.get("classes").size());
        assertEquals("j", j.get("classes").get(9).asText());
        assertEquals(0.25, j.get("normalize").get("std").get(2).asDouble());
        assertEquals(14, j.get("nodes").size());
        Map<String, NpyArray> w = Npz.read(out.resolve("weights.npz"));
        assertArrayEquals(new long[] {10, 960}, w.get("/MatMul.weight").shape());
        assertEquals(10, w.size());
        // Existing output without --force, wrong channel count, wrong class count, bad std, unsupported op.
        String f = FIXTURES.resolve("mobile.onnx").toString();
        assertEquals(2, TestFiles.runQuietly("import", f, "--out", out.toString(), "--mean", "0,0,0", "--std", "1,1,1"));
        assertEquals(0, TestFiles.runQuietly("import", f, "--out", out.toString(), "--mean", "0,0,0", "--std", "1,1,1", "--force"));
        assertEquals(2, TestFiles.runQuietly("import", f, "--out", tmp.resolve("x").toString(), "--mean", "0,0", "--std", "1,1"));
        Files.writeString(classes, "a\nb\n");
        assertEquals(2, TestFiles.runQuietly("import", f, "--out", tmp.resolve("x").toString(), "--mean", "0,0,0", "--std", "1,1,1",
                "--classes", classes.toString()));
        assertEquals(2, TestFiles.runQuietly("import", f, "--out", tmp.resolve("x").toString(), "--mean", "0,0,0", "--std", "1,0,1"));
        assertEquals(2, TestFiles.runQuietly("import", FIXTURES.resolve("unsupported_sigmoid.onnx").toString(), "--out",
                tmp.resolve("x").toString(), "--mean", "0,0,0", "--std", "1,1,1"));
        assertEquals(2, TestFiles.runQuietly("import", tmp.resolve("missing.onnx").toString(), "--out", tmp.resolve("x").toString(),
                "--mean", "0,0,0", "--std", "1,1,1"));
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    private static Path sharedOrSkip(String name) {
        Path p = SHARED.resolve(name);
        if (!Files.isRegularFile(p)) {
            System.err.println("SKIPPED shared-model test: " + p.toAbsolutePath() + " is not there");
        }
        Assumptions.assumeTrue(Files.isRegularFile(p), p.toAbsolutePath() + " is not there: shared-model test skipped");
        return p;
    }

    @Test
    void squeezeNetFromTorchvision() throws IOException {
        ImportedModel m = OnnxImporter.read(sharedOrSkip("squeezenet1_1.onnx"));
        wellFormed(m);
        assertArrayEquals(new int[] {3, 224, 224}, m.input());
        assertEquals(1000, m.outputs());
        long concats = types(m).stream().filter("concat"::equals).count();
        assertEquals(8, concats);
        assertEquals("global_avgpool", types(m).get(types(m).size() - 1));
        JsonNode pool = m.nodes().stream().filter(n -> n.get("type").asText().equals("maxpool2d")).findFirst().orElseThrow();
        assertTrue(pool.get("ceil_mode").asBoolean());
        shape(m, "/classifier/classifier.1/Conv.weight", 1000, 512, 1, 1);
    }

    @Test
    void mobileNetV2FromTorchvision() throws IOException {
        ImportedModel m = OnnxImporter.read(sharedOrSkip("mobilenet_v2.onnx"));
        wellFormed(m);
        assertArrayEquals(new int[] {3, 224, 224}, m.input());
        assertEquals(1000, m.outputs());
        assertEquals(52, types(m).stream().filter("conv2d"::equals).count());
        assertEquals(35, types(m).stream().filter("relu6"::equals).count());
        assertEquals(10, types(m).stream().filter("add"::equals).count());
        assertEquals(List.of("global_avgpool", "linear"), types(m).subList(types(m).size() - 2, types(m).size()));
        assertTrue(m.nodes().stream().anyMatch(n -> n.get("type").asText().equals("conv2d")
                && n.get("groups").asInt() == n.get("in_channels").asInt() && n.get("groups").asInt() > 1));
        shape(m, "/classifier/classifier.1/Gemm.weight", 1000, 1280);
    }
}
