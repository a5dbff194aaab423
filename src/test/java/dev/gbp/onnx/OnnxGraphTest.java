package dev.gbp.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.gbp.onnx.proto.Onnx.AttributeProto;
import dev.gbp.onnx.proto.Onnx.GraphProto;
import dev.gbp.onnx.proto.Onnx.ModelProto;
import dev.gbp.onnx.proto.Onnx.NodeProto;
import dev.gbp.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gbp.onnx.proto.Onnx.TensorProto;
import dev.gbp.onnx.proto.Onnx.TensorShapeProto;
import dev.gbp.onnx.proto.Onnx.TypeProto;
import dev.gbp.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built graphs for cases the exported fixtures do not reach. */
class OnnxGraphTest {
    @TempDir
    Path tmp;

    private static TensorProto floats(String name, long[] dims) {
        int n = (int) Tensor.size(dims);
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i * 0.01f);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto str(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build();
    }

    private static ValueInfoProto info(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            s.addDim(d instanceof String p ? TensorShapeProto.Dimension.newBuilder().setDimParam(p)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    private static NodeProto node(String op, String name, List<String> in, String out, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(out);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private Path write(ValueInfoProto input, List<NodeProto> nodes, List<TensorProto> inits) throws IOException {
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(input).addAllNode(nodes).addAllInitializer(inits)
                .addOutput(info("logits", "N", 4)).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
        Path f = tmp.resolve("m.onnx");
        Files.write(f, m.toByteArray());
        return f;
    }

    @Test
    void globalPoolFeedingAConvBecomesAWholeImageAvgPoolAndAutoPadIsExplicit() throws IOException {
        // A node named "input" must be renamed; SAME_UPPER on 7 x 9 with stride 2 and a 3 x 3 kernel pads [1,1,1,1];
        // a GlobalAveragePool feeding a Conv stays 4-D as avgpool2d over the whole 4 x 5 map.
        Path f = write(info("x", "N", 3, 7, 9), List.of(
                node("Conv", "input", List.of("x", "w1"), "c1", ints("strides", 2, 2), str("auto_pad", "SAME_UPPER")),
                node("GlobalAveragePool", "gap", List.of("c1"), "g"),
                node("Conv", "head", List.of("g", "w2", "b2"), "h"),
                node("Flatten", "", List.of("h"), "logits")),
                List.of(floats("w1", new long[] {16, 3, 3, 3}), floats("w2", new long[] {4, 16, 1, 1}), floats("b2", new long[] {4})));
        ImportedModel m = OnnxImporter.read(f);
        List<? extends JsonNode> n = m.nodes();
        assertEquals(List.of("conv2d", "avgpool2d", "conv2d", "flatten"), n.stream().map(x -> x.get("type").asText()).toList());
        assertEquals("input_1", n.get(0).get("name").asText());
        assertEquals("[1,1,1,1]", n.get(0).get("padding").toString());
        assertEquals("[4,5]", n.get(1).get("kernel_size").toString());
        assertEquals("[\"input_1\"]", n.get(1).get("inputs").toString());
        assertEquals("logits", n.get(3).get("name").asText(), "a node without a name takes its first output's");
    }

    @Test
    void reduceMeanOverHeightAndWidthIsAGlobalAveragePool() throws IOException {
        // MNASNet ends with x.mean([2, 3]): ReduceMean(axes 2, 3, keepdims 0) feeding Gemm; -1, -2 name the same axes.
        for (long[] axes : new long[][] {{2, 3}, {-1, -2}}) {
            Path f = write(info("x", "N", 3, 6, 8), List.of(
                    node("Conv", "c", List.of("x", "w1"), "c1", ints("pads", 1, 1, 1, 1)),
                    node("Relu", "r", List.of("c1"), "r1"),
                    node("ReduceMean", "mean", List.of("r1"), "m", ints("axes", axes),
                            AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0).build()),
                    node("Gemm", "fc", List.of("m", "w2", "b2"), "logits",
                            AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build())),
                    List.of(floats("w1", new long[] {16, 3, 3, 3}), floats("w2", new long[] {4, 16}), floats("b2", new long[] {4})));
            ImportedModel m = OnnxImporter.read(f);
            assertEquals(List.of("conv2d", "relu", "global_avgpool", "linear"),
                    m.nodes().stream().map(x -> x.get("type").asText()).toList());
        }
        Path f = write(info("x", "N", 3, 6, 8), List.of(
                node("ReduceMean", "mean", List.of("x"), "m", ints("axes", 1, 2, 3)),
                node("Flatten", "", List.of("m"), "logits")), List.of());
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.read(f));
        assertTrue(e.getMessage().contains("node 'mean' (ReduceMean)") && e.getMessage().contains("spatial axes 2 and 3 only"),
                e.getMessage());
    }

    @Test
    void symbolicImageSizeAndBroadcastAddAreRefused() throws IOException {
        Path f = write(info("x", "N", 3, "H", 9), List.of(node("Flatten", "f", List.of("x"), "logits")), List.of());
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.read(f));
        assertTrue(e.getMessage().contains("'H'"), e.getMessage());
        Path g = write(info("x", "N", 3, 4, 4), List.of(
                node("Add", "bias", List.of("x", "c"), "y"),
                node("Flatten", "f", List.of("y"), "logits")), List.of(floats("c", new long[] {1, 3, 1, 1})));
        e = assertThrows(OnnxException.class, () -> OnnxImporter.read(g));
        assertTrue(e.getMessage().contains("node 'bias' (Add)"), e.getMessage());
    }

    private static TensorProto int64(String name, long v) {
        return TensorProto.newBuilder().setName(name).setDataType(7)
                .setRawData(ByteString.copyFrom(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array())).build();
    }

    @Test
    void aConstantTooLargeToComputeIsRefusedNamingTheNode() throws IOException {
        // Range(0, 10, 0): before, new float[Integer.MAX_VALUE] (OutOfMemoryError, a crash).
        Path f = write(info("x", "N", 3, 4, 4), List.of(node("Range", "r", List.of("s", "l", "d"), "steps"),
                node("Flatten", "f", List.of("x"), "logits")), List.of(int64("s", 0), int64("l", 10), int64("d", 0)));
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.read(f));
        assertTrue(e.getMessage().contains("node 'r' (Range)") && e.getMessage().contains("more than 16777216 values"),
                e.getMessage());
    }

    @Test
    void dimsWhoseProductOverflowsAreRefusedNotWrapped() throws IOException {
        // 2^32 x 2^32 wrapped to 0 values before, so an empty tensor passed for a huge one.
        TensorProto huge = TensorProto.newBuilder().setName("w1").setDataType(1).addDims(1L << 32).addDims(1L << 32)
                .setRawData(ByteString.EMPTY).build();
        Path f = write(info("x", "N", 3, 4, 4), List.of(node("Conv", "c", List.of("x", "w1"), "y"),
                node("Flatten", "f", List.of("y"), "logits")), List.of(huge));
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.read(f));
        assertTrue(e.getMessage().contains("initializer 'w1' is too large"), e.getMessage());
    }

    @Test
    void aFileAboveOneGibibyteIsRefusedFromItsSize() throws IOException {
        Path f = tmp.resolve("huge.onnx");
        try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            r.setLength((1L << 30) + 1); // sparse: no disk used
        }
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.read(f));
        assertTrue(e.getMessage().startsWith(f + " is 1073741825 bytes; gbp import reads ONNX files of at most"), e.getMessage());
    }
}
