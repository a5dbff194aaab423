package dev.gbp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numbers in model.json that do not fit what they describe, and sizes past the limits: refused, naming node and field. */
class ModelSpecLimitsTest {
    private static final String HEAD = "{\"format\":\"gbp-model/1\",\"input\":%s,\"classes\":[\"a\",\"b\"],"
            + "\"normalize\":{\"mean\":%s,\"std\":[1,1,1]},\"layers\":[";
    private static final String TAIL = "{\"type\":\"global_avgpool\"},{\"type\":\"linear\",\"name\":\"fc\",\"in_features\":4,"
            + "\"out_features\":2}]}";

    private static ModelSpec parse(String input, String mean, String layers) throws Exception {
        return ModelSpec.fromJson(new ObjectMapper().readTree(String.format(HEAD, input, mean) + layers + TAIL));
    }

    private static String conv(String fields) {
        return "{\"type\":\"conv2d\",\"name\":\"c1\",\"in_channels\":3,\"out_channels\":4,\"kernel_size\":3," + fields + "},";
    }

    private static String error(String input, String mean, String layers) {
        return assertThrows(ModelException.class, () -> parse(input, mean, layers)).getMessage();
    }

    private static String error(String layers) {
        return error("[3,8,8]", "[0,0,0]", layers);
    }

    @Test
    void integersThatDoNotFitAnIntAreRefusedNotWrapped() {
        // Before: 2^64 + 3 was read as 3 (Jackson's asLong() of a BigInteger), and so was an input side of 2^32 + 3.
        String m = error("{\"type\":\"conv2d\",\"name\":\"c1\",\"in_channels\":18446744073709551619,\"out_channels\":4,"
                + "\"kernel_size\":3},");
        assertTrue(m.contains("layer 0 'c1' (conv2d): \"in_channels\" must be a positive integer")
                && m.contains("18446744073709551619"), m);
        m = error("[3,4294967299,8]", "[0,0,0]", conv("\"padding\":1"));
        assertTrue(m.contains("\"input\" must be a list of 3 integers") && m.contains("4294967299"), m);
        m = error(conv("\"stride\":4294967297"));
        assertTrue(m.contains("'c1' (conv2d): \"stride\"") && m.contains("4294967297"), m);
        m = error(conv("\"groups\":3.5"));
        assertTrue(m.contains("\"groups\" must be a positive integer") && m.contains("3.5"), m);
        m = error(conv("\"padding\":-1"));
        assertTrue(m.contains("\"padding\" must be at least 0"), m);
    }

    @Test
    void numbersThatAreNotFiniteAreRefused() {
        // Before: eps of 1e400 was read as Infinity and accepted.
        String m = error(conv("\"padding\":1") + "{\"type\":\"batchnorm2d\",\"name\":\"bn\",\"num_features\":4,\"eps\":1e400},");
        assertTrue(m.contains("layer 1 'bn' (batchnorm2d): \"eps\" must be a finite number, got a number beyond the range"
                + " of a double (read as Infinity)"), m);
        m = error(conv("\"padding\":1") + "{\"type\":\"batchnorm2d\",\"name\":\"bn\",\"num_features\":4,\"eps\":1e-50},");
        assertTrue(m.contains("\"eps\" must be positive (as a float32"), m);
        m = error("[3,8,8]", "[0,1e400,0]", conv("\"padding\":1"));
        assertTrue(m.contains("\"normalize.mean\" must be a list of 3 finite float32 numbers") && m.contains("position 1"), m);
        m = error("[3,8,8]", "[0,1e39,0]", conv("\"padding\":1"));
        assertTrue(m.contains("normalize.mean"), m);
    }

    @Test
    void shapesWhoseProductOverflowsALongNameTheLayer() {
        // Before: Math.multiplyExact threw ArithmeticException ("long overflow"), naming nothing.
        String m = error("{\"type\":\"conv2d\",\"name\":\"huge\",\"in_channels\":3,\"out_channels\":2147483647,"
                + "\"kernel_size\":1,\"padding\":1048576},");
        assertTrue(m.contains("layer 0 'huge' (conv2d): output shape") && m.contains("too large"), m);
    }

    @Test
    void parametersBeyondTheLimitAreRefusedBeforeAnythingIsAllocated() {
        // 192 x 2^21 weights (402 million values) from a file of 300 bytes; before, the engine was asked for 1.5 GB.
        String m = assertThrows(ModelException.class, () -> ModelSpec.fromJson(new ObjectMapper().readTree(
                "{\"format\":\"gbp-model/1\",\"input\":[3,8,8],\"classes\":[\"a\",\"b\"],\"normalize\":{\"mean\":[0,0,0],"
                        + "\"std\":[1,1,1]},\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"name\":\"wide\","
                        + "\"in_features\":192,\"out_features\":2097152},{\"type\":\"linear\",\"name\":\"fc\","
                        + "\"in_features\":2097152,\"out_features\":2}]}"))).getMessage();
        assertTrue(m.contains("layer 1 'wide' (linear): its weight of shape [2097152, 192]") && m.contains("268435456"), m);
    }

    @Test
    void declaredParameterShapesAreThoseOfTheNetwork() throws Exception {
        ModelSpec s = parse("[3,8,8]", "[0,0,0]", "{\"type\":\"conv2d\",\"name\":\"c1\",\"in_channels\":3,\"out_channels\":4,"
                + "\"kernel_size\":[3,1],\"bias\":false},{\"type\":\"batchnorm2d\",\"name\":\"bn\",\"num_features\":4},");
        Map<String, long[]> p = s.parameterShapes();
        assertEquals(java.util.List.of("c1.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "fc.weight",
                "fc.bias"), java.util.List.copyOf(p.keySet()));
        assertArrayEquals(new long[] {4, 3, 3, 1}, p.get("c1.weight"));
        assertArrayEquals(new long[] {4}, p.get("bn.running_var"));
        assertArrayEquals(new long[] {2, 4}, p.get("fc.weight"));
    }

    @Test
    void aHugeLayerIndexIsAnErrorNotANumberFormatException() throws Exception {
        ModelSpec s = parse("[3,8,8]", "[0,0,0]", conv("\"padding\":1"));
        // Before: NumberFormatException.
        String m = assertThrows(ModelException.class, () -> s.resolveLayer("99999999999")).getMessage();
        assertTrue(m.contains("'99999999999' is out of range"), m);
        String hostile = "x".repeat(100_000);
        m = assertThrows(ModelException.class, () -> s.resolveLayer(hostile)).getMessage();
        assertTrue(m.length() < 1000, "quoted, not echoed whole: " + m.length());
    }

    @Test
    void userTextInMessagesIsQuotedAndCut() {
        // Before: a layer type, name or field of 40,000 characters was echoed whole in the message.
        String x = "x".repeat(40_000); // below Jackson's own limit of 50,000 for a field name
        for (String layer : new String[] {"{\"type\":\"" + x + "\"},", "{\"type\":\"relu\",\"" + x + "\":1},",
            "{\"type\":\"relu\",\"name\":\"" + x + "\",\"slope\":1},"}) {
            String m = error(conv("\"padding\":1") + layer);
            assertTrue(m.length() < 1000 && m.contains("more characters"), () -> m.length() + ": " + m.substring(0, 200));
        }
    }

    @Test
    void classNamesMustBeStrings() {
        String m = assertThrows(ModelException.class, () -> ModelSpec.fromJson(new ObjectMapper().readTree(
                "{\"format\":\"gbp-model/1\",\"input\":[3,8,8],\"classes\":[{},[]],\"normalize\":{\"mean\":[0,0,0],"
                        + "\"std\":[1,1,1]},\"layers\":[{\"type\":\"flatten\"}]}"))).getMessage();
        assertTrue(m.contains("\"classes\" must hold class names (strings)"), m);
    }

    @Test
    void aThreeGigabyteModelJsonIsRefusedFromItsSizeAlone(@TempDir Path dir) throws Exception {
        // A sparse file: 3 GiB long, no disk used. Before: Files.readString ran out of memory.
        Path file = dir.resolve("model.json");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        String m = assertThrows(ModelException.class, () -> ModelSpec.read(file)).getMessage();
        assertTrue(m.startsWith(file + " is 3221225472 bytes; a model description may be at most 16777216"), m);
        Files.delete(file);
    }
}
