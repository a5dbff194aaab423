package dev.gbp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertTrue(error("{\"type\":\"relu\",\"slope\":0.1}").contains("unknown field \"slope\""));
        assertTrue(error("{\"type\":\"linear\",\"in_features\":3,\"out_features\":2}").contains("need a \"name\""));
    }

    @Test
    void linearOnAnImageAndWrongClassCountAreErrors() {
        assertTrue(error("{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":192,\"out_features\":2}").contains("flat input"));
        assertTrue(error("{\"type\":\"flatten\"},{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":192,\"out_features\":3}")
                .contains("2 classes"));
    }
}
