package dev.gbp.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Network;
import dev.gbp.model.Npy;
import dev.gbp.model.NpyArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fixture model of src/test/resources/onnx (index.json), imported with mean 0 and std 1, gives PyTorch's
 * logits (1e-4 relative L2 per image) for its inputs.npy, which are already normalised and go straight to
 * {@link Network#forward}.
 */
class OnnxLogitsTest {
    static final Path FIXTURES = TestFiles.ONNX_FIXTURES;

    @TempDir
    Path tmp;

    @Test
    void fixturesGivePyTorchsLogits() throws Exception {
        TorchRuntime.start(1);
        JsonNode index = new ObjectMapper().readTree(FIXTURES.resolve("index.json").toFile());
        List<String> names = new ArrayList<>();
        index.get("models").fieldNames().forEachRemaining(names::add);
        assertTrue(names.size() >= 4, "fixtures: " + names);
        List<String> wrong = new ArrayList<>();
        for (String name : names) {
            JsonNode m = index.get("models").get(name);
            Path out = tmp.resolve(name);
            assertEquals(0, TestFiles.importFixture(m, out), "gbp import " + name);
            NpyArray inputs = Npy.read(FIXTURES.resolve(m.get("files").get("inputs").asText()));
            NpyArray logits = Npy.read(FIXTURES.resolve(m.get("files").get("logits").asText()));
            try (NDManager manager = NDManager.newBaseManager(); Network net = Network.load(out, manager)) {
                NDArray x = manager.create(inputs.data(), new Shape(inputs.shape()));
                float[] got = net.forward(x, false).toFloatArray();
                assertEquals(logits.data().length, got.length, name + ": logits");
                int n = (int) inputs.shape()[0];
                int k = got.length / n;
                for (int i = 0; i < n; i++) {
                    double num = 0;
                    double den = 0;
                    for (int c = 0; c < k; c++) {
                        double d = got[i * k + c] - logits.data()[i * k + c];
                        num += d * d;
                        den += (double) logits.data()[i * k + c] * logits.data()[i * k + c];
                    }
                    double rel = Math.sqrt(num / den);
                    if (!(rel < 1e-4)) {
                        wrong.add(name + " image " + i + ": logits differ from PyTorch's by " + rel + " (relative L2)");
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
