package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Npy;
import dev.gbp.model.NpyArray;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
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

    @Test
    void anOnnxFileServesAsModelWithItsNormalisation() throws Exception {
        TorchRuntime.start(1);
        Path onnx = TestFiles.ONNX_FIXTURES.resolve("residual.onnx");
        Path pic = tmp.resolve("pic.png");
        BufferedImage img = new BufferedImage(24, 20, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(3);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 24; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ImageIO.write(img, "png", pic.toFile());
        Path bundle = tmp.resolve("bundle");
        String[] norm = {"--mean", "0.5,0.4,0.3", "--std", "0.2,0.25,0.3"};
        assertEquals(0, CliTest.run(concat(new String[] {"import", onnx.toString(), "--out", bundle.toString()}, norm)).code());
        CliTest.Result viaBundle = CliTest.run("predict", "--model", bundle.toString(), "--threads", "1", "--json", "--images",
                pic.toString());
        CliTest.Result direct = CliTest.run(concat(new String[] {"predict", "--model", onnx.toString(), "--threads", "1", "--json",
            "--images", pic.toString()}, norm));
        assertEquals(0, direct.code(), direct.err());
        assertEquals(viaBundle.out(), direct.out(), "the same logits as the imported bundle's");

        Path maps = tmp.resolve("maps");
        CliTest.Result explain = CliTest.run(concat(new String[] {"explain", "--model", onnx.toString(), "--threads", "1",
            "--target", "predicted", "--out", maps.toString(), "--images", pic.toString()}, norm));
        assertEquals(0, explain.code(), explain.err());
        assertEquals(onnx.toString(), new ObjectMapper().readTree(maps.resolve("index.json").toFile()).get("model").asText(),
                "pages name the file the user gave");

        CliTest.Result noNorm = CliTest.run("predict", "--model", onnx.toString(), "--images", pic.toString());
        assertEquals(2, noNorm.code(), noNorm.err());
        assertTrue(noNorm.err().contains("is an ONNX file: give the per-channel --mean and --std"), noNorm.err());
        CliTest.Result onBundle = CliTest.run(concat(new String[] {"predict", "--model", bundle.toString(), "--images",
            pic.toString()}, norm));
        assertEquals(2, onBundle.code(), onBundle.err());
        assertTrue(onBundle.err().contains("--mean applies to an ONNX file given as --model"), onBundle.err());
        CliTest.Result wrongChannels = CliTest.run("predict", "--model", onnx.toString(), "--mean", "0.5", "--std", "0.2",
                "--images", pic.toString());
        assertEquals(2, wrongChannels.code(), wrongChannels.err());
        assertTrue(wrongChannels.err().contains("--mean and --std need 3 values each"), wrongChannels.err());
        CliTest.Result missing = CliTest.run(concat(new String[] {"predict", "--model", tmp.resolve("none.onnx").toString(),
            "--images", pic.toString()}, norm));
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("none.onnx"), missing.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
