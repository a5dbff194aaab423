package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.gbp.GbpInputException;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.NpyArray;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Issue 10: bad input exits 2 naming the option, whatever part of gbp finds it; anything else is a bug that exits 1
 * asking for a report. On hand-made data and the tiny model of {@link CliTest}.
 */
class InputErrorsCliTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path model;
    /** A regular file: an output folder under it cannot be created. */
    static Path file;

    @BeforeAll
    static void setUp() throws Exception {
        TorchRuntime.start(1);
        data = TestFiles.writeCifarFolder(tmp.resolve("cifar"), 4);
        model = Files.createDirectories(tmp.resolve("tiny-model"));
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(CliTest.tinySpec(), m, 1)) {
            net.save(model);
        }
        file = Files.writeString(tmp.resolve("a-file"), "not a folder\n");
    }

    /** Every int, long, float and double option of every command (seeds aside: any long is one) has a range. */
    @Test
    void everyNumericOptionHasARange() {
        List<String> unchecked = new ArrayList<>();
        int numeric = 0;
        for (CommandLine c : commands(Main.commandLine())) {
            for (OptionSpec o : c.getCommandSpec().options()) {
                Class<?> t = o.type().isArray() ? o.type().getComponentType() : o.type();
                boolean isNumber = Number.class.isAssignableFrom(t) || List.of(int.class, long.class, float.class,
                        double.class, short.class, byte.class).contains(t);
                if (!isNumber || o.longestName().equals("--seed")) {
                    continue;
                }
                numeric++;
                if (!(o.userObject() instanceof Field f) || f.getAnnotation(Range.class) == null) {
                    unchecked.add(c.getCommandSpec().qualifiedName() + " " + o.longestName());
                }
            }
        }
        assertTrue(numeric > 30, "numeric options found: " + numeric);
        assertTrue(unchecked.isEmpty(), "numeric options without a @Range: " + unchecked);
    }

    private static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>(List.of(root));
        root.getSubcommands().values().forEach(c -> all.addAll(commands(c)));
        return all;
    }

    /**
     * Values out of range, NaN and infinities, for every kind of numeric option: exit 2 before any work, naming the
     * option, its range and the value. Several ran before (--noise 11, --lr Infinity, --weight-decay NaN, --epochs
     * 100000, --mean 1e39, --std 1e-300) or crashed (bench --batch-size 2000000000, faithfulness --step 2147483647).
     */
    @Test
    void numericOptionsOutOfRangeAreRefusedNamingTheRange() {
        String m = model.toString();
        String d = data.toString();
        String out = tmp.resolve("never").toString();
        String onnx = TestFiles.ONNX_FIXTURES.resolve("concat.onnx").toString();
        Map<String[], String> cases = new LinkedHashMap<>();
        for (String noise : List.of("NaN", "Infinity", "-0.1", "11.0")) {
            cases.put(new String[] {"explain", "--model", m, "--data", d, "--out", out, "--noise", noise},
                    "--noise must be 0..10, got " + noise);
        }
        cases.put(new String[] {"explain", "--model", m, "--data", d, "--out", out, "--samples", "0"},
                "--samples must be 1..10000, got 0");
        cases.put(new String[] {"explore", "--model", m, "--data", d, "--steps", "10001"}, "--steps must be 1..10000, got 10001");
        cases.put(new String[] {"report", "--model", m, "--data", d, "--internal-batch", "0"},
                "--internal-batch must be 1..4096, got 0");
        cases.put(new String[] {"explain", "--model", m, "--data", d, "--out", out, "--batch-size", "4097"},
                "--batch-size must be 1..4096, got 4097");
        cases.put(new String[] {"explain", "--model", m, "--data", d, "--out", out, "--scale", "33"}, "--scale must be 1..32, got 33");
        cases.put(new String[] {"explain", "--model", m, "--data", d, "--out", out, "--skip", "-1"},
                "--skip must be at least 0, got -1");
        cases.put(new String[] {"demo", "--model", m, "--data", d, "--first", "0"}, "--first must be at least 1, got 0");
        cases.put(new String[] {"train", "--data", d, "--out", out, "--lr", "Infinity"},
                "--lr must be above 0 and at most 10, got Infinity");
        cases.put(new String[] {"train", "--data", d, "--out", out, "--lr", "0"}, "--lr must be above 0 and at most 10, got 0.0");
        cases.put(new String[] {"train", "--data", d, "--out", out, "--weight-decay", "NaN"}, "--weight-decay must be 0..1, got NaN");
        cases.put(new String[] {"train", "--data", d, "--out", out, "--epochs", "100000"}, "--epochs must be 1..10000, got 100000");
        cases.put(new String[] {"train", "--data", d, "--out", out, "--train-limit", "0"}, "--train-limit must be at least 1, got 0");
        cases.put(new String[] {"train", "--data", d, "--out", out, "--test-every", "0"}, "--test-every must be 1..10000, got 0");
        cases.put(new String[] {"bench", "--model", m, "--batch-size", "2000000000"},
                "--batch-size must be 1..4096, got 2000000000");
        cases.put(new String[] {"bench", "--model", m, "--runs", "9"}, "--runs must be 10..1000, got 9");
        cases.put(new String[] {"faithfulness", "--model", m, "--data", d, "--methods", "guided", "--out", out, "--step",
            "2147483647"}, "--step must be 1..1000000, got 2147483647");
        cases.put(new String[] {"predict", "--model", m, "--images", file.toString(), "--batch-size", "0"},
                "--batch-size must be 1..4096, got 0");
        cases.put(new String[] {"explore", "--model", m, "--data", d, "--port", "65536"}, "--port must be 0..65535, got 65536");
        cases.put(new String[] {"sanity", "--model", m, "--data", d, "--methods", "guided", "--out", out, "--batch-size", "-5"},
                "--batch-size must be 1..4096, got -5");
        cases.put(new String[] {"import", onnx, "--out", out, "--mean", "0,1e39,0", "--std", "1,1,1"},
                "--mean must be -1000..1000, got 1.0E39");
        cases.put(new String[] {"import", onnx, "--out", out, "--mean", "0,0,0", "--std", "1,1e-300,1"},
                "--std must be 0.000001..1000, got 1.0E-300");
        cases.forEach((args, expected) -> {
            CliTest.Result r = CliTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(expected), r.err());
        });
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    /** --threads far beyond the cores is refused at once (a run with it seemed to hang), for every command that has it. */
    @Test
    void tooManyThreadsAreRefusedAtOnce() {
        String out = tmp.resolve("never").toString();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (String command : List.of("explain --out " + out, "demo", "explore", "report", "sanity --methods guided --out "
                    + out, "faithfulness --methods guided --out " + out, "train --out " + out, "eval", "predict", "bench")) {
                CliTest.Result r = CliTest.run((command + " --threads 100000").split(" "));
                assertEquals(2, r.code(), command + ": " + r.err());
                assertTrue(r.err().contains("--threads must be 1..") && r.err().contains("per core"), r.err());
            }
        });
    }

    /**
     * A 100 KB value is never echoed whole, whichever part of gbp names it (the option's check, the library's message,
     * picocli's conversion): the message stays short and names the option.
     */
    @Test
    void hugeValuesAreNotEchoed() {
        String huge = "x".repeat(100_000);
        String m = model.toString();
        String d = data.toString();
        String out = tmp.resolve("never").toString();
        List<String[]> cases = List.of(
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--target", huge},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--target", "max-neuron:" + huge},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--target=neuron:conv1_relu:" + huge},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--normalize", huge},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--method", huge},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--method", "gradcam", "--cam-layer", huge},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--baseline", huge},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--split", huge},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--threads", "9".repeat(100_000)},
                new String[] {"sanity", "--model", m, "--data", d, "--out", out, "--methods", "guided", "--position", huge});
        for (String[] args : cases) {
            CliTest.Result r = CliTest.run(args);
            String option = args[args.length - 2].startsWith("--") ? args[args.length - 2] : "--target";
            String start = r.err().substring(0, Math.min(300, r.err().length()));
            assertEquals(2, r.code(), option + ": " + start);
            assertTrue(r.err().length() < 1000, option + ": " + r.err().length() + " characters: " + start);
            assertTrue(r.err().contains(option), r.err());
            assertTrue(r.err().contains("more characters"), "says that it cut the value: " + r.err());
        }
        // Control characters are escaped too.
        CliTest.Result r = CliTest.run("explain", "--model", m, "--data", d, "--out", out, "--target", "max-neuron:a\u001b[2Jb");
        assertEquals(2, r.code());
        assertFalse(r.err().contains("\u001b"), r.err());
        assertTrue(r.err().contains("a\\x1b[2Jb"), r.err());
    }

    /**
     * An output folder under a regular file exits 2 naming the path, for every command that writes, and before any
     * work: train and report used to train or compute first (their progress lines came before the failure).
     */
    @Test
    void anOutputFolderUnderAFileIsRefusedBeforeAnyWork() {
        String under = file.resolve("out").toString();
        String m = model.toString();
        String d = data.toString();
        String onnx = TestFiles.ONNX_FIXTURES.resolve("concat.onnx").toString();
        List<String[]> cases = List.of(
                new String[] {"explain", "--model", m, "--data", d, "--first", "1", "--threads", "1", "--out", under},
                new String[] {"demo", "--model", m, "--data", d, "--first", "1", "--threads", "1", "--out", under},
                new String[] {"report", "--model", m, "--data", d, "--first", "1", "--threads", "1", "--out", under},
                new String[] {"sanity", "--model", m, "--data", d, "--first", "1", "--threads", "1", "--methods", "guided", "--out", under},
                new String[] {"faithfulness", "--model", m, "--data", d, "--first", "1", "--threads", "1", "--methods", "guided",
                    "--out", under},
                new String[] {"train", "--data", d, "--epochs", "1", "--threads", "1", "--out", under},
                new String[] {"import", onnx, "--mean", "0,0,0", "--std", "1,1,1", "--out", under});
        for (String[] args : cases) {
            CliTest.Result r = CliTest.run(args);
            assertEquals(2, r.code(), args[0] + ": " + r.err());
            assertTrue(r.err().contains(under) && r.err().contains(file + " is a file"), r.err());
            assertFalse(r.err().contains("normalisation") || r.err().contains("SmoothGrad 50 samples"),
                    args[0] + " reported the folder only after starting the work: " + r.err());
        }
        CliTest.Result r = CliTest.run("explain", "--model", m, "--data", d, "--first", "1", "--out", file.toString(), "--force");
        assertEquals(2, r.code());
        assertTrue(r.err().contains(file + " exists and is not a folder"), r.err());
    }

    /** A command of the test that throws what it is given, run by gbp's command line. */
    @Command(name = "throw")
    static final class Thrower implements Callable<Integer> {
        final RuntimeException toThrow;

        @Option(names = "--batch-size")
        int batchSize;

        Thrower(RuntimeException toThrow) {
            this.toThrow = toThrow;
        }

        @Override
        public Integer call() {
            throw toThrow;
        }
    }

    private static CliTest.Result runThrowing(RuntimeException e) {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand(new Thrower(e));
        return CliTest.run(cli, "throw");
    }

    /**
     * Only {@link GbpInputException} is the user's fault (exit 2, the library's parameter named by the command's flag);
     * anything else, an IllegalArgumentException too (exit 2 before), is a bug: exit 1, please report, no stack trace.
     */
    @Test
    void onlyInputErrorsExitTwoAndBugsAskForAReport() {
        CliTest.Result r = runThrowing(GbpInputException.parameter("batchSize", "must be at least 1 (got 0)"));
        assertEquals(2, r.code());
        assertEquals("gbp throw: --batch-size must be at least 1 (got 0)", r.err().strip());
        for (RuntimeException bug : List.of(new IllegalArgumentException("an internal invariant"),
                new IllegalStateException("an internal invariant"), new NullPointerException())) {
            r = runThrowing(bug);
            assertEquals(1, r.code(), bug.toString());
            assertTrue(r.err().contains("internal error") && r.err().contains("please report")
                    && r.err().contains(bug.getClass().getName()), r.err());
            assertTrue(r.err().contains("GBP_DEBUG"), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace without GBP_DEBUG: " + r.err());
        }
    }

    /** Every parameter a command hands to the library is named back by that command's flag. */
    @Test
    void libraryParametersAreNamedByTheCommandsFlags() {
        Map<String, List<String>> parameters = Map.of(
                "explain", List.of("batchSize", "samples", "noise", "steps", "internalBatch", "camLayer"),
                "sanity", List.of("batchSize", "samples", "noise", "steps", "internalBatch", "camLayer"),
                "faithfulness", List.of("batchSize", "step", "samples", "noise", "steps", "internalBatch", "camLayer"),
                "report", List.of("samples", "noise", "steps", "internalBatch", "camLayer"),
                "explore", List.of("samples", "noise", "steps", "internalBatch", "camLayer"),
                "train", List.of("epochs", "batchSize", "lr", "weightDecay", "testEvery"),
                "predict", List.of("batchSize"),
                "bench", List.of("batchSize"),
                "import", List.of("mean", "std", "classes"));
        CommandLine cli = Main.commandLine();
        parameters.forEach((command, names) -> {
            for (String name : names) {
                GbpInputException e = GbpInputException.parameter(name, "is wrong");
                String flag = Main.optionFor(cli.getSubcommands().get(command).getCommandSpec(), name);
                assertNotNull(flag, command + " has no option for " + name);
                assertEquals(flag + " is wrong", Main.message(e, cli.getSubcommands().get(command).getCommandSpec()));
            }
        });
    }

    /**
     * SmoothGrad with more samples than one array holds for the batch is refused by the library, named by the flag
     * (exit 2); it crashed with a NegativeArraySizeException before (exit 1).
     */
    @Test
    void tooManySamplesForTheBatchNameTheFlag() throws Exception {
        Path seventy = Files.write(tmp.resolve("seventy.bin"), TestFiles.records(70, 5));
        CliTest.Result r = CliTest.run("explain", "--model", model.toString(), "--data", seventy.toString(), "--threads", "1",
                "--method", "smoothgrad", "--samples", "10000", "--out", tmp.resolve("never").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--samples of 10000 for a batch of 70 images of 3072 values"), r.err());
    }

    /**
     * A network whose values overflow (weights of 1e30) is named as the cause, exit 2; its infinite maps were drawn
     * as pictures before (exit 0).
     */
    @Test
    void aNetworkThatComputesInfinitiesIsNamedNotDrawn() throws Exception {
        Path huge = Files.createDirectories(tmp.resolve("huge-weights"));
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(CliTest.tinySpec(), m, 1)) {
            float[] w = new float[4 * 3 * 3 * 3];
            Arrays.fill(w, 1e30f);
            Map<String, NpyArray> weights = new java.util.HashMap<>(net.weights());
            weights.put("conv1.weight", new NpyArray(new long[] {4, 3, 3, 3}, w));
            net.setWeights(weights, "test");
            net.save(huge);
        }
        Path out = tmp.resolve("infinite");
        CliTest.Result r = CliTest.run("explain", "--model", huge.toString(), "--data", data.toString(), "--first", "2",
                "--threads", "1", "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("guided map of image 0 holds") && r.err().contains("not finite"), r.err());
        assertFalse(Files.exists(out));
    }

    /**
     * A layer the model lacks is the user's input (exit 2 naming the option), not an internal error: by name in report
     * and demo, and by an index of more digits than an int holds (a NumberFormatException before) in every option
     * that takes a layer.
     */
    @Test
    void anUnknownLayerIsNamed() {
        String m = model.toString();
        String d = data.toString();
        String out = tmp.resolve("never").toString();
        for (String[] args : List.of(new String[] {"report", "--model", m, "--data", d, "--out", out, "--layer", "conv99"},
                new String[] {"demo", "--model", m, "--data", d, "--out", out, "--layer", "conv99"},
                new String[] {"demo", "--model", m, "--data", d, "--out", out, "--layer", "99999999999"},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--method", "gradcam", "--cam-layer",
                    "99999999999"},
                new String[] {"explain", "--model", m, "--data", d, "--out", out, "--target", "max-neuron:99999999999"})) {
            CliTest.Result r = CliTest.run(args);
            String option = args[args.length - 2];
            String layer = args[args.length - 1].replace("max-neuron:", "");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(option) && r.err().contains(layer), r.err());
        }
    }

    /**
     * Inputs of the commands' own that were read whole or sized with an int: a --classes folder (exit 1 before), a
     * --classes file larger than a list of names can be (read whole before), and bench's random batch of large images
     * (its byte count wrapped around).
     */
    @Test
    void readsAndAllocationsAreBoundedBeforeTheyHappen() throws Exception {
        String onnx = TestFiles.ONNX_FIXTURES.resolve("concat.onnx").toString();
        String out = tmp.resolve("never").toString();
        CliTest.Result r = CliTest.run("import", onnx, "--mean", "0,0,0", "--std", "1,1,1", "--out", out, "--classes",
                tmp.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--classes " + tmp + " is not a file"), r.err());
        Path big = tmp.resolve("classes.txt");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(ImportCommand.MAX_CLASSES_BYTES + 1); // sparse: nothing is written
        }
        r = CliTest.run("import", onnx, "--mean", "0,0,0", "--std", "1,1,1", "--out", out, "--classes", big.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is " + (ImportCommand.MAX_CLASSES_BYTES + 1) + " bytes; a file of class names may be at most "
                + ImportCommand.MAX_CLASSES_BYTES + " (4 MiB)"), r.err());

        Path wide = Files.createDirectories(tmp.resolve("wide-input"));
        ModelSpec spec = new ModelSpec(new int[] {3, 1024, 1024}, List.of("a", "b"), new float[] {0, 0, 0},
                new float[] {1, 1, 1}, List.of(LayerSpec.globalAvgPool(), LayerSpec.linear("fc", 3, 2, true)));
        try (NDManager nd = NDManager.newBaseManager(); Network net = Network.create(spec, nd, 1)) {
            net.save(wide);
        }
        r = CliTest.run("bench", "--model", wide.toString(), "--target", "predicted", "--batch-size", "4096", "--threads", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--batch-size 4096 of 3 x 1024 x 1024 images is 12884901888 bytes"), r.err());
        assertFalse(Files.exists(tmp.resolve("never")));
    }
}

