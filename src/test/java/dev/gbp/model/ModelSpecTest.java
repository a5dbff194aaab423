package dev.gbp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {
    private static final String HEAD = "{\"format\":\"gbp-model/1\",\"input\":[3,8,8],\"classes\":[\"a\",\"b\"],"
            + "\"normalize\":{\"mean\":[0,0,0],\"std\":[1,1,1]},\"layers\":[";

    private static ModelSpec parse(String layers) throws Exception {
        return ModelSpec.fromJson(new ObjectMapper().readTree(HEAD + layers + "]}"));
    }

    private static String error(String layers) {
        return assertThrows(ModelException.class, () -> parse(layers)).getMessage();
    }

    @Test
    void infersShapesAndResolvesLayersByNameOrIndex() throws Exception {
        ModelSpec s = parse("{\"type\":\"conv2d\",\"name\":\"c1\",\"in_channels\":3,\"out_channels\":4,\"kernel_size\":3,\"padding\":1},"
                + "{\"type\":\"relu\",\"name\":\"r1\"},{\"type\":\"maxpool2d\",\"kernel_size\":2},"
                + "{\"type\":\"conv2d\",\"name\":\"c2\",\"in_channels\":4,\"out_channels\":5,\"kernel_size\":[3,1],\"stride\":[1,2]},"
                + "{\"type\":\"global_avgpool\"},{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":5,\"out_features\":2}");
        assertArrayEquals(new long[] {4, 8, 8}, s.outputShape(0));
        assertArrayEquals(new long[] {4, 4, 4}, s.outputShape(2));
        assertArrayEquals(new long[] {5, 2, 2}, s.outputShape(3));
        assertArrayEquals(new long[] {5}, s.outputShape(4));
        assertEquals(1, s.resolveLayer("r1"));
        assertEquals(3, s.resolveLayer("3"));
        assertTrue(assertThrows(ModelException.class, () -> s.resolveLayer("conv9")).getMessage().contains("c1, r1, c2, fc"));
        assertTrue(assertThrows(ModelException.class, () -> s.resolveLayer("17")).getMessage().contains("out of range"));
    }

    @Test
    void jsonRoundTripIsExact() throws Exception {
        ModelSpec s = DefaultArchitecture.cifar10();
        ModelSpec back = ModelSpec.fromJson(s.toJson());
        assertEquals(s.toJson(), back.toJson());
        assertEquals("conv3_relu", s.layer(s.resolveLayer("conv3_relu")).name());
    }

    @Test
    void brokenJsonNamesTheFileAndWhere(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.json");
        Files.writeString(file, "{\n  \"format\": \"gbp-model/1\",\n  oops\n}");
        String m = assertThrows(ModelException.class, () -> ModelSpec.read(file)).getMessage();
        assertTrue(m.startsWith(file + " is not valid JSON (line 3, column"), m);
        assertFalse(m.contains("[Source"), m);
        String missing = assertThrows(ModelException.class, () -> ModelSpec.read(dir.resolve("none.json"))).getMessage();
        assertTrue(missing.contains("no such file or folder"), missing);
        Path binary = Files.write(dir.resolve("binary.json"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        String notText = assertThrows(ModelException.class, () -> ModelSpec.read(binary)).getMessage();
        assertTrue(notText.contains("not UTF-8 text"), notText);
    }

    @Test
    void unknownLayerTypeNamesTheLayer() {
        String m = error("{\"type\":\"conv3d\",\"name\":\"x\"}");
        assertTrue(m.contains("layer 0") && m.contains("conv3d") && m.contains("known"), m);
    }

    @Test
    void channelsThatDoNotChainNameTheLayer() {
        String m = error("{\"type\":\"conv2d\",\"name\":\"c1\",\"in_channels\":3,\"out_channels\":4,\"kernel_size\":3},"
                + "{\"type\":\"conv2d\",\"name\":\"c2\",\"in_channels\":5,\"out_channels\":2,\"kernel_size\":6},"
                + "{\"type\":\"flatten\"}");
        assertTrue(m.contains("layer 1 'c2'") && m.contains("in_channels is 5") && m.contains("4 channels"), m);
    }

    @Test
    void duplicateNameIsAnError() {
        String m = error("{\"type\":\"relu\",\"name\":\"same\"},{\"type\":\"relu\",\"name\":\"same\"},{\"type\":\"flatten\"},"
                + "{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":192,\"out_features\":2}");
        assertTrue(m.contains("layer 1") && m.contains("duplicate") && m.contains("same"), m);
    }

    @Test
    void missingFieldsAndUnknownFieldsAreErrors() {
        assertTrue(error("{\"type\":\"conv2d\",\"name\":\"c\",\"in_channels\":3,\"kernel_size\":3}").contains("out_channels"));
        assertTrue(error("{\"type\":\"relu\",\"slope\":0.1}").contains("unknown field 'slope'"));
        assertTrue(error("{\"type\":\"linear\",\"in_features\":3,\"out_features\":2}").contains("need a \"name\""));
    }

    @Test
    void linearOnAnImageAndWrongClassCountAreErrors() {
        assertTrue(error("{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":192,\"out_features\":2}").contains("flat input"));
        assertTrue(error("{\"type\":\"flatten\"},{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":192,\"out_features\":3}")
                .contains("2 classes"));
    }

    private static final String GRAPH = "{\"format\":\"gbp-model/2\",\"input\":[3,8,8],\"classes\":[\"a\",\"b\"],"
            + "\"normalize\":{\"mean\":[0,0,0],\"std\":[1,1,1]},\"nodes\":[";

    private static ModelSpec graph(String nodes) throws Exception {
        return ModelSpec.fromJson(new ObjectMapper().readTree(GRAPH + nodes + "]}"));
    }

    private static String graphError(String nodes) {
        return assertThrows(ModelException.class, () -> graph(nodes)).getMessage();
    }

    private static final String RESIDUAL =
            "{\"type\":\"conv2d\",\"name\":\"c1\",\"inputs\":[\"input\"],\"in_channels\":3,\"out_channels\":4,\"kernel_size\":3,\"padding\":1},"
            + "{\"type\":\"relu\",\"name\":\"r1\",\"inputs\":[\"c1\"]},"
            + "{\"type\":\"conv2d\",\"name\":\"c2\",\"inputs\":[\"r1\"],\"in_channels\":4,\"out_channels\":4,\"kernel_size\":[3,3],\"padding\":[2,1,0,1],\"dilation\":[1,1]},"
            + "{\"type\":\"add\",\"name\":\"sum\",\"inputs\":[\"c2\",\"r1\"]},"
            + "{\"type\":\"concat\",\"name\":\"cat\",\"inputs\":[\"sum\",3,\"c1\"]},"
            + "{\"type\":\"maxpool2d\",\"name\":\"mp\",\"inputs\":[\"cat\"],\"kernel_size\":3,\"stride\":2,\"padding\":1,\"ceil_mode\":true},"
            + "{\"type\":\"global_avgpool\",\"name\":\"gap\",\"inputs\":[\"mp\"]},"
            + "{\"type\":\"linear\",\"name\":\"fc\",\"inputs\":[\"gap\"],\"in_features\":12,\"out_features\":2}";

    @Test
    void graphFormatResolvesInputsInfersShapesAndRoundTrips() throws Exception {
        ModelSpec s = graph(RESIDUAL);
        assertTrue(s.isGraph());
        assertArrayEquals(new int[] {2, 1}, s.inputsOf(3));
        assertArrayEquals(new int[] {3, 3, 0}, s.inputsOf(4));
        assertArrayEquals(new int[] {ModelSpec.GRAPH_INPUT}, s.inputsOf(0));
        assertArrayEquals(new long[] {4, 8, 8}, s.outputShape(2)); // 8 + 2 + 0 - 3 + 1 rows, 8 + 1 + 1 - 3 + 1 columns
        assertArrayEquals(new long[] {12, 8, 8}, s.outputShape(4));
        assertArrayEquals(new long[] {12, 5, 5}, s.outputShape(5)); // ceil((8 + 2 - 3) / 2) + 1 = 5
        assertArrayEquals(new int[] {2, 3}, s.consumersOf(1));
        // The field of the add is the union of its two paths: through c2 (3 x 3, 2 rows of padding on top, one
        // column each side) and c1, and through c1 alone.
        ReceptiveField.Field f = ReceptiveField.field(s, 3, 4, 4);
        assertEquals(List.of(2, 1, 6, 5), List.of(f.x0(), f.y0(), f.x1(), f.y1()));
        assertEquals(List.of(3, 3, 5, 5), List.of(ReceptiveField.field(s, 1, 4, 4).x0(), ReceptiveField.field(s, 1, 4, 4).y0(),
                ReceptiveField.field(s, 1, 4, 4).x1(), ReceptiveField.field(s, 1, 4, 4).y1()));
        ModelSpec back = ModelSpec.fromJson(s.toJson());
        assertEquals(s.toJson(), back.toJson());
        assertEquals("gbp-model/2", s.toJson().get("format").asText());
        assertEquals("[2,1,0,1]", s.toJson().get("nodes").get(2).get("padding").toString());
    }

    @Test
    void brokenGraphsNameTheNode() {
        assertTrue(graphError("{\"type\":\"relu\",\"name\":\"r\",\"inputs\":[\"later\"]},"
                + "{\"type\":\"flatten\",\"name\":\"later\",\"inputs\":[\"r\"]}").contains("'later' is not an earlier node"));
        assertTrue(graphError("{\"type\":\"relu\",\"name\":\"r\"}").contains("missing \"inputs\""));
        assertTrue(graphError("{\"type\":\"add\",\"name\":\"a\",\"inputs\":[\"input\"]}").contains("at least 2 inputs"));
        String dead = graphError("{\"type\":\"relu\",\"name\":\"unused\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"flatten\",\"name\":\"f\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"linear\",\"name\":\"fc\",\"inputs\":[\"f\"],\"in_features\":192,\"out_features\":2}");
        assertTrue(dead.contains("'unused'") && dead.contains("used by no node"), dead);
        String shapes = graphError("{\"type\":\"maxpool2d\",\"name\":\"p\",\"inputs\":[\"input\"],\"kernel_size\":2},"
                + "{\"type\":\"add\",\"name\":\"a\",\"inputs\":[\"p\",\"input\"]}");
        assertTrue(shapes.contains("'a'") && shapes.contains("different shapes"), shapes);
        String groups = graphError("{\"type\":\"conv2d\",\"name\":\"c\",\"inputs\":[\"input\"],\"in_channels\":3,"
                + "\"out_channels\":4,\"kernel_size\":1,\"groups\":2}");
        assertTrue(groups.contains("groups (2) must divide"), groups);
        // Format 1 has no inputs and no graph-only kinds.
        String v1 = error("{\"type\":\"relu6\",\"name\":\"r\"},{\"type\":\"flatten\"},"
                + "{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":192,\"out_features\":2}");
        assertTrue(v1.contains("gbp-model/2"), v1);
    }

    @Test
    void aChainWrittenAsAGraphIsStillFormatOne() throws Exception {
        ModelSpec chain = graph("{\"type\":\"flatten\",\"name\":\"f\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"linear\",\"name\":\"fc\",\"inputs\":[\"f\"],\"in_features\":192,\"out_features\":2}");
        assertFalse(chain.isGraph());
        assertEquals("gbp-model/1", chain.toJson().get("format").asText());
    }
}
