package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: exit codes and messages, on hand-made data and tiny models. */
class CliTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path model;

    @BeforeAll
    static void setUp() throws Exception {
        TorchRuntime.start(1);
        data = TestFiles.writeCifarFolder(tmp.resolve("cifar"), 20);
        model = tmp.resolve("tiny-model");
        Files.createDirectories(model);
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(tinySpec(), m, 1)) {
            net.save(model);
        }
    }

    static ModelSpec tinySpec() {
        return new ModelSpec(new int[] {3, 32, 32}, dev.gbp.data.CifarImages.DEFAULT_CLASSES,
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f},
                List.of(LayerSpec.conv2d("conv1", 3, 4, 3, 1, 1, true), LayerSpec.batchNorm2d("bn1", 4),
                        LayerSpec.relu("conv1_relu"), LayerSpec.maxPool(4, 4, 0), LayerSpec.flatten(),
                        LayerSpec.linear("fc", 4 * 8 * 8, 10, true)));
    }

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        return run(Main.commandLine(), args);
    }

    /** Runs {@code cli} (gbp's, perhaps with a test command added) and collects its output. */
    static Result run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs with the shipped model looked for under {@code home} ({@code home/models/cifar10-seed}). */
    static Result runWithHome(Path home, String... args) {
        String before = System.getProperty("gbp.home");
        System.setProperty("gbp.home", home.toString());
        try {
            return run(args);
        } finally {
            if (before == null) {
                System.clearProperty("gbp.home");
            } else {
                System.setProperty("gbp.home", before);
            }
        }
    }

    @Test
    void helpListsEveryCommand() {
        Result r = run("--help");
        assertEquals(0, r.code);
        for (String c : List.of("train", "eval", "data")) {
            assertTrue(r.out.contains(c), r.out);
        }
        assertEquals(0, run("train", "--help").code);
        assertTrue(run("eval", "--help").out.contains("--json"));
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        Result r = runWithHome(Files.createDirectories(tmp.resolve("no-models-here")), "eval", "--data", data.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("--model") && r.err.contains(ShippedModel.DEFAULT), r.err);
        assertEquals(2, run("frobnicate").code);
        assertEquals(2, run("eval", "--model", model.toString(), "--bogus").code);
        r = run("eval", "--model", model.toString(), "--data", data.toString(), "--first", "0");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("--first"), r.err);
        r = run("eval", "--model", model.toString(), "--data", data.toString(), "--split", "validation");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("--split"), r.err);
    }

    @Test
    void badInputsAreNamedWithExitTwoAndNoStackTrace() throws Exception {
        Result r = run("eval", "--model", tmp.resolve("missing").toString(), "--data", data.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("missing") && r.err.contains("does not exist"), r.err);
        assertFalse(r.err.contains("\tat "), r.err);

        Path bad = tmp.resolve("bad.bin");
        Files.write(bad, new byte[5000]);
        r = run("eval", "--model", model.toString(), "--data", bad.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("bad.bin") && r.err.contains("3073"), r.err);

        Path brokenModel = Files.createDirectories(tmp.resolve("broken-model"));
        Files.copy(model.resolve("weights.npz"), brokenModel.resolve("weights.npz"));
        Files.writeString(brokenModel.resolve("model.json"),
                Files.readString(model.resolve("model.json")).replace("\"maxpool2d\"", "\"maxpool3d\""));
        r = run("eval", "--model", brokenModel.toString(), "--data", data.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("maxpool3d") && r.err.contains("layer 3"), r.err);

        r = run("eval", "--model", "src/test/resources/fixtures/numpy-bundle", "--data", data.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("the model takes 3 x 8 x 8 images") && r.err.contains("3 x 32 x 32"), r.err);
    }

    @Test
    void evalJsonReportsAccuracyCountAndPerClass() throws Exception {
        Result r = run("eval", "--model", model.toString(), "--data", data.toString(), "--json", "--first", "15");
        assertEquals(0, r.code, r.err);
        JsonNode j = new ObjectMapper().readTree(r.out);
        assertEquals(15, j.get("count").asInt());
        double acc = j.get("accuracy").asDouble();
        assertTrue(acc >= 0 && acc <= 1);
        assertEquals(10, j.get("per_class").size());
        long total = 0;
        for (JsonNode row : j.get("confusion")) {
            for (JsonNode v : row) {
                total += v.asLong();
            }
        }
        assertEquals(15, total);
        Result table = run("eval", "--model", model.toString(), "--data", data.toString(), "--first", "15");
        assertEquals(0, table.code);
        assertTrue(table.out.contains("confusion matrix"));
    }

    @Test
    void trainWritesACompleteBundleAndNeverOverwritesWithoutForce() throws Exception {
        Path arch = tmp.resolve("arch.json");
        tinySpec().write(arch);
        Path out = tmp.resolve("trained");
        Result r = run("train", "--data", data.toString(), "--arch", arch.toString(), "--out", out.toString(),
                "--epochs", "1", "--batch-size", "16", "--threads", "1", "--label-smoothing", "0.2", "--logit-scale", "0.5", "--alternating-flip");
        assertEquals(0, r.code, r.err);
        for (String f : List.of("model.json", "weights.npz", "training.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        JsonNode t = new ObjectMapper().readTree(out.resolve("training.json").toFile());
        assertEquals(1, t.get("epochs").size());
        assertEquals(64, t.get("data").get("sha256").get("test_batch.bin").asText().length());
        assertTrue(t.get("epochs").get(0).has("test_accuracy"));
        assertEquals(0.2, t.get("hyperparameters").get("label_smoothing").asDouble());
        assertEquals(0.5, t.get("hyperparameters").get("logit_scale").asDouble());
        assertTrue(t.get("command").asText().endsWith("--alternating-flip --label-smoothing 0.2 --logit-scale 0.5"),
                t.get("command").asText());
        assertTrue(t.get("hyperparameters").get("augmentation").asText().contains("every other epoch"));
        // The normalisation stored is the training data's, not the architecture's placeholder.
        JsonNode spec = new ObjectMapper().readTree(out.resolve("model.json").toFile());
        assertTrue(Math.abs(spec.get("normalize").get("mean").get(0).asDouble() - 0.5) > 1e-3);

        byte[] weights = Files.readAllBytes(out.resolve("weights.npz"));
        r = run("train", "--data", data.toString(), "--arch", arch.toString(), "--out", out.toString(), "--epochs", "1");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("--force"), r.err);
        assertEquals(weights.length, Files.readAllBytes(out.resolve("weights.npz")).length);
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".trained")), "no temporary folder left");
        }
    }

    /**
     * {@code bench --json} reports guided / floor both ways: its ratio of medians agrees with the two medians it
     * prints, and the median of per-round ratios agrees with {@link BenchCommand#pairedRatio} on a hand-made case.
     */
    @Test
    void benchReportsGuidedOverFloorBothWays() throws Exception {
        assertEquals(3.0, BenchCommand.pairedRatio(new double[] {2, 4, 9}, new double[] {1, 1, 3}), 0);
        Result r = run("bench", "--model", model.toString(), "--data", data.toString(), "--target", "max-neuron:conv1_relu",
                "--batch-size", "4", "--runs", "10", "--threads", "1", "--json");
        assertEquals(0, r.code, r.err);
        JsonNode o = new ObjectMapper().readTree(r.out);
        double guided = o.get("measurements").get("guided").get("median_ms").asDouble();
        double floor = o.get("measurements").get("forward_to_target").get("median_ms").asDouble();
        assertEquals(guided / floor, o.get("guided_over_floor").asDouble(), 1e-9 * guided / floor);
        assertEquals(o.get("measurements").get("guided").get("times_floor").asDouble(), o.get("guided_over_floor").asDouble(), 1e-9);
        double paired = o.get("guided_over_floor_paired").asDouble();
        double lo = o.get("measurements").get("guided").get("min_ms").asDouble() / o.get("measurements").get("forward_to_target").get("max_ms").asDouble();
        double hi = o.get("measurements").get("guided").get("max_ms").asDouble() / o.get("measurements").get("forward_to_target").get("min_ms").asDouble();
        assertTrue(paired >= lo && paired <= hi, paired + " outside [" + lo + ", " + hi + "]");
    }

    @Test
    void trainRejectsBadHyperParameters() {
        Result r = run("train", "--data", data.toString(), "--out", tmp.resolve("x").toString(), "--epochs", "0");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("--epochs"), r.err);
        assertFalse(Files.exists(tmp.resolve("x")));
        for (String[] bad : List.of(new String[] {"--logit-scale", "0"}, new String[] {"--label-smoothing", "1"})) {
            r = run("train", "--data", data.toString(), "--out", tmp.resolve("x").toString(), bad[0], bad[1]);
            assertEquals(2, r.code, r.err);
            assertTrue(r.err.contains(bad[0]), r.err);
            assertFalse(Files.exists(tmp.resolve("x")));
        }
    }
}
