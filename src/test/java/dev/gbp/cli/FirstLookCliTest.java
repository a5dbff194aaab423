package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.attr.Methods;
import dev.gbp.data.CifarReader;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Network;
import dev.gbp.report.FullReport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Issue 8, "first look": what a new user meets first, on hand-made data and the tiny model of {@link CliTest}. */
class FirstLookCliTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path model;
    /** A checkout whose shipped model is the tiny one (one conv: its seed layer is conv1_relu). */
    static Path home;

    @BeforeAll
    static void setUp() throws Exception {
        TorchRuntime.start(1);
        data = TestFiles.writeCifarFolder(tmp.resolve("cifar"), 20);
        model = Files.createDirectories(tmp.resolve("tiny-model"));
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(CliTest.tinySpec(), m, 1)) {
            net.save(model);
        }
        home = tmp.resolve("home");
        Path shipped = Files.createDirectories(home.resolve("models").resolve(ShippedModel.DEFAULT));
        for (String f : List.of("model.json", "weights.npz")) {
            Files.copy(model.resolve(f), shipped.resolve(f));
        }
    }

    /** The first line of every command in the command list is its first description line, whole, ending a sentence. */
    @Test
    void commandListsShowWholeFirstSentences() {
        CommandLine root = Main.commandLine();
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"data", "--help"})) {
            CommandLine parent = args.length == 1 ? root : root.getSubcommands().get("data");
            String help = CliTest.run(args).out();
            for (Map.Entry<String, CommandLine> e : parent.getSubcommands().entrySet()) {
                Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(e.getKey()) + " +(.*)$").matcher(help);
                assertTrue(m.find(), e.getKey() + " listed in\n" + help);
                String line = m.group(1).strip();
                assertTrue(line.endsWith("."), "'" + e.getKey() + "' is cut: " + line);
                CommandLine.Model.UsageMessageSpec usage = e.getValue().getCommandSpec().usageMessage();
                String first = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
                assertEquals(first, line, "the list shows the whole first line of " + e.getKey());
                assertFalse(help.substring(m.end()).matches("(?s)\n {3,}.*"), "no continuation line for " + e.getKey());
            }
        }
    }

    @Test
    void mistypedCommandsAndOptionsGetOneSuggestion() {
        CliTest.Result r = CliTest.run("explian");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Did you mean 'explain'?"), r.err());
        r = CliTest.run("explain", "--out", tmp.resolve("never").toString(), "--treads", "2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Did you mean '--threads'?"), r.err());
        r = CliTest.run("frobnicate");
        assertFalse(r.err().contains("Did you mean"), r.err());
    }

    @Test
    void everyCommandDefaultsToTheShippedModelAndTheSeedLayersMostActiveNeuron() throws Exception {
        for (String command : List.of("explain", "demo", "explore", "report", "sanity", "faithfulness", "eval", "bench")) {
            CommandSpec c = Main.commandLine().getSubcommands().get(command).getCommandSpec();
            OptionSpec m = c.findOption("--model");
            assertFalse(m.required(), command);
            assertTrue(m.description()[0].contains("models/" + ShippedModel.DEFAULT), command + ": " + m.description()[0]);
            OptionSpec t = c.findOption("--target");
            if (t != null) {
                assertFalse(t.required(), command);
                assertTrue(String.join(" ", t.description()).contains("max-neuron:<seed layer>"), command);
            }
        }
        // explain: no --model, no --target: the tiny shipped model and max-neuron of its seed layer (conv1_relu).
        Path out = tmp.resolve("defaults-explain");
        CliTest.Result r = CliTest.runWithHome(home, "explain", "--data", data.toString(), "--first", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode index = new ObjectMapper().readTree(out.resolve("index.json").toFile());
        assertEquals("conv1_relu", index.get("images").get(0).get("layer_name").asText());
        assertTrue(r.out().contains("max-neuron:conv1_relu"), r.out());
        // faithfulness: the same defaults, and --first's default (100) is all 20 test images here.
        out = tmp.resolve("defaults-faithfulness");
        r = CliTest.runWithHome(home, "faithfulness", "--data", data.toString(), "--methods", "guided", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode f = new ObjectMapper().readTree(out.resolve("faithfulness.json").toFile());
        assertEquals("max-neuron:conv1_relu", f.get("target").asText());
        assertEquals(20, f.get("images").asInt());
        // eval names the model it used.
        r = CliTest.runWithHome(home, "eval", "--data", data.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(home.resolve("models").resolve(ShippedModel.DEFAULT).toString(),
                new ObjectMapper().readTree(r.out()).get("model").asText());
    }

    @Test
    void methodsHelpAndErrorsListTheValidNames() {
        for (String command : List.of("sanity", "faithfulness", "explain")) {
            String help = CliTest.run(command, "--help").out().replaceAll("\\s+", " ");
            for (String name : Methods.NAMES) {
                assertTrue(help.contains(" " + name + ",") || help.contains(" " + name + " ") || help.contains(" " + name + "."),
                        command + " --help lists " + name);
            }
        }
        CliTest.Result r = CliTest.run("sanity", "--model", model.toString(), "--data", data.toString(), "--methods",
                "guided,nosuch", "--out", tmp.resolve("never").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--methods") && r.err().contains("'nosuch'"), r.err());
        for (String name : Methods.NAMES) {
            assertTrue(r.err().contains(name), r.err());
        }
    }

    @Test
    void reportHelpStatesTheCapsOfSamplesAndSteps() {
        String help = CliTest.run("report", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("at most " + FullReport.LIGHT_SAMPLES + " SmoothGrad samples and " + FullReport.LIGHT_STEPS
                + " integrated-gradients steps"), help);
    }

    @Test
    void threadsDefaultToEveryCoreEverywhereAndMustBeInRange() {
        for (Map.Entry<String, CommandLine> e : Main.commandLine().getSubcommands().entrySet()) {
            OptionSpec t = e.getValue().getCommandSpec().findOption("--threads");
            if (t != null) {
                assertNull(t.defaultValue(), e.getKey());
                assertTrue(t.description()[0].contains("default: every core"), e.getKey());
            }
        }
        CommandLine cli = Main.commandLine();
        cli.parseArgs("bench");
        BenchCommand bench = cli.getSubcommands().get("bench").getCommand();
        assertEquals(Runtime.getRuntime().availableProcessors(), bench.options.threads());
        int max = Ranges.THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
        for (String n : List.of("0", "-1", Integer.toString(max + 1), "100000")) {
            CliTest.Result r = CliTest.run("eval", "--model", model.toString(), "--data", data.toString(), "--threads", n);
            assertEquals(2, r.code(), n);
            assertTrue(r.err().contains("--threads must be 1.." + max + " (4 per core), got " + n), r.err());
        }
    }

    @Test
    void countsAreGrammatical() {
        assertEquals("1 map", Counts.of(1, "map"));
        assertEquals("0 maps", Counts.of(0, "map"));
        assertEquals("2 maps", Counts.of(2, "map"));
        CliTest.Result r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--first", "1",
                "--target", "predicted", "--out", tmp.resolve("one").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("1 map (guided, predicted) written to"), r.out());
    }

    @Test
    void anExistingOutputFolderIsCheckedAfterEverythingElse() throws Exception {
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        CliTest.Result r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--method", "nosuch",
                "--out", existing.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nosuch") && !r.err().contains("already exists"), r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--target", "max-neuron:conv9",
                "--out", existing.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("conv9") && !r.err().contains("already exists"), r.err());
        r = CliTest.run("faithfulness", "--model", model.toString(), "--data", data.toString(), "--methods", "guided",
                "--first", "21", "--out", existing.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--first 21") && !r.err().contains("already exists"), r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--first", "1", "--out",
                existing.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("already exists"), "with nothing else wrong, the folder is reported: " + r.err());
    }

    @Test
    void firstBeyondTheImagesOrBelowOneIsRefused() {
        Path out = tmp.resolve("never");
        CliTest.Result r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--first", "999999",
                "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--first 999999") && r.err().contains("only 20 images are available"), r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--skip", "15", "--first", "6",
                "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("only 5 images are available after --skip 15"), r.err());
        r = CliTest.run("eval", "--model", model.toString(), "--data", data.toString(), "--first", "21");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--first 21") && r.err().contains("20"), r.err());
        for (String n : List.of("0", "-4")) {
            r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--first", n, "--out", out.toString());
            assertEquals(2, r.code(), n);
            assertTrue(r.err().contains("--first"), r.err());
        }
        assertFalse(Files.exists(out));
        r = CliTest.run("eval", "--model", model.toString(), "--data", data.toString(), "--first", "20", "--json");
        assertEquals(0, r.code(), "all of them is within range: " + r.err());
    }

    @Test
    void dataAndImagesExcludeEachOther() throws Exception {
        Path png = tmp.resolve("one.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        CliTest.Result explain = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--images",
                png.toString(), "--out", tmp.resolve("never").toString());
        CliTest.Result explore = CliTest.run("explore", "--model", model.toString(), "--data", data.toString(), "--images",
                png.toString());
        for (CliTest.Result r : List.of(explain, explore)) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("--data and --images exclude each other"), r.err());
        }
    }

    @Test
    void resizedPicturesAreReportedAndCanBeCropped() throws Exception {
        Path wide = tmp.resolve("wide.png");
        ImageIO.write(new BufferedImage(128, 64, BufferedImage.TYPE_INT_RGB), "png", wide.toFile());
        Path exact = tmp.resolve("exact.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", exact.toFile());
        CliTest.Result r = CliTest.run("explain", "--model", model.toString(), "--images", wide.toString(), exact.toString(),
                "--target", "predicted", "--out", tmp.resolve("stretched").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("gbp explain: resized 1 image to 32 x 32 (stretch); its aspect ratio changed"
                + " (--resize crop keeps it)"), r.err());
        assertFalse(r.err().contains("exact.png"), "a picture of the model's size is not resized: " + r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--images", wide.toString(), "--resize", "crop",
                "--target", "predicted", "--out", tmp.resolve("cropped").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("gbp explain: resized 1 image to 32 x 32 (crop); cut to the centre first"), r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--images", wide.toString(), "--resize", "sideways",
                "--out", tmp.resolve("never").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--resize") && r.err().contains("sideways"), r.err());
    }

    @Test
    void dataWhereRefusesAnIncompleteFolderNamingTheMissingFiles() throws Exception {
        Path partial = Files.createDirectories(tmp.resolve("partial"));
        Files.copy(data.resolve(CifarReader.TEST_FILE), partial.resolve(CifarReader.TEST_FILE));
        Files.copy(data.resolve("data_batch_1.bin"), partial.resolve("data_batch_1.bin"));
        CliTest.Result r = CliTest.run("data", "where", "--data", partial.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("gbp data where: "), r.err());
        assertTrue(r.err().contains("data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin"), r.err());
        assertFalse(r.err().contains("data_batch_1.bin") || r.err().contains("test_batch.bin"), r.err());
        r = CliTest.run("data", "where", "--data", data.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(data.toString(), r.out().strip());
    }

    @Test
    void everyMessageStartsWithTheCommandsFullName() {
        CliTest.Result r = CliTest.run("data", "where", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("gbp data where: Unknown option: '--bogus'"), r.err());
        r = CliTest.run("eval", "--model", model.toString(), "--data", data.toString(), "--first", "0");
        assertTrue(r.err().startsWith("gbp eval: --first"), r.err());
        r = CliTest.run("explain", "--model", model.toString(), "--data", data.toString(), "--normalize", "rainbow",
                "--out", tmp.resolve("never").toString());
        assertTrue(r.err().startsWith("gbp explain: --normalize"), r.err());
    }

    @Test
    void theDefaultOutputFoldersAreIgnoredByGit() throws Exception {
        List<String> ignored = Files.readAllLines(TestFiles.projectRoot().resolve(".gitignore"));
        int defaults = 0;
        for (Map.Entry<String, CommandLine> e : Main.commandLine().getSubcommands().entrySet()) {
            OptionSpec out = e.getValue().getCommandSpec().findOption("--out");
            if (out != null && out.defaultValue() != null) {
                defaults++;
                assertTrue(ignored.contains("/" + out.defaultValue() + "/"), e.getKey() + "'s " + out.defaultValue());
            }
        }
        assertEquals(2, defaults, "demo and report write to a default folder");
    }
}
