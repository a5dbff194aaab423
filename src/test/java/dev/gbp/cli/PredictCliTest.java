package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Npy;
import dev.gbp.model.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** gbp predict on the shared torchvision exports: its logits are PyTorch's (1e-4 relative L2) for the shared PNGs. */
class PredictCliTest {
    static final Path SHARED = Paths.get("../shared/models/onnx");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"squeezenet1_1", "mobilenet_v2"})
    void logitsEqualPyTorchs(String name) throws Exception {
        Path onnx = SHARED.resolve(name + ".onnx");
        if (!Files.isRegularFile(onnx)) {
            System.err.println("SKIPPED shared-model test: " + onnx.toAbsolutePath() + " is not there");
        }
        Assumptions.assumeTrue(Files.isRegularFile(onnx), onnx.toAbsolutePath() + " is not there: shared-model test skipped");
        TorchRuntime.start(1);
        Path model = tmp.resolve(name);
        CliTest.Result imported = CliTest.run("import", onnx.toString(), "--out", model.toString(), "--mean", "0.485,0.456,0.406",
                "--std", "0.229,0.224,0.225");
        assertEquals(0, imported.code(), imported.err());
        String[] args = {"predict", "--model", model.toString(), "--threads", "1", "--json", "--images",
            SHARED.resolve("image0.png").toString(), SHARED.resolve("image1.png").toString(),
            SHARED.resolve("image2.png").toString(), SHARED.resolve("image3.png").toString()};
        CliTest.Result r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.err().contains("resized"), "the shared PNGs are 224 x 224 already: " + r.err());
        JsonNode images = new ObjectMapper().readTree(r.out()).get("images");
        NpyArray ref = Npy.read(SHARED.resolve(name + ".logits.npy"));
        assertEquals(4, images.size());
        assertEquals(4 * 1000, ref.data().length);
        for (int i = 0; i < 4; i++) {
            JsonNode logits = images.get(i).get("logits");
            assertEquals(1000, logits.size());
            double num = 0;
            double den = 0;
            for (int k = 0; k < 1000; k++) {
                double want = ref.data()[i * 1000 + k];
                double d = logits.get(k).asDouble() - want;
                num += d * d;
                den += want * want;
            }
            double rel = Math.sqrt(num / den);
            assertTrue(rel < 1e-4, name + " image" + i + ": logits differ from PyTorch's by " + rel + " (relative L2)");
            assertEquals("image" + i + ".png", images.get(i).get("file").asText());
        }
    }
}
