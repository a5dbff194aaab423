package dev.gbp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gbp.TestFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gbp sanity, faithfulness and report end to end on hand-made data and a randomly initialised default network. */
class EvaluationCliTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path model;

    @BeforeAll
    static void setUp() throws Exception {
        TorchRuntime.start(1);
        data = TestFiles.writeCifarFolder(tmp.resolve("cifar"), 10);
        model = Files.createDirectories(tmp.resolve("model"));
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(DefaultArchitecture.cifar10(), m, 3)) {
            net.save(model);
        }
    }

    @Test
    void sanityWritesJsonChartsAndPage() throws Exception {
        Path out = tmp.resolve("sanity");
        CliTest.Result r = CliTest.run("sanity", "--model", model.toString(), "--data", data.toString(), "--first", "3",
                "--target", "max-neuron:conv3_relu", "--methods", "guided,gradcam", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(out.resolve("sanity.json").toFile());
        assertEquals(4, j.get("cascade_steps").size());
        assertTrue(j.get("note").asText().contains("at or below"));
        assertEquals(4, j.get("cascading").get("guided").get("ssim").get("mean").size());
        assertTrue(Files.isRegularFile(out.resolve("charts/cascading-spearman_abs.png")));
        assertTrue(Files.readString(out.resolve("index.html")).contains("independent-hog_spearman.png"));
        r = CliTest.run("sanity", "--model", model.toString(), "--data", data.toString(), "--target", "predicted",
                "--methods", "guided,lrp", "--out", tmp.resolve("bad").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("lrp"), r.err());
        r = CliTest.run("sanity", "--model", model.toString(), "--data", data.toString(), "--target", "predicted",
                "--methods", "gradcam", "--cam-layer", "fc", "--out", tmp.resolve("bad").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("4-D"), r.err());
        assertFalse(Files.exists(tmp.resolve("bad")));
    }

    @Test
    void faithfulnessWritesAucsForEveryMethodAndTheRandomBaseline() throws Exception {
        Path out = tmp.resolve("faith");
        CliTest.Result r = CliTest.run("faithfulness", "--model", model.toString(), "--data", data.toString(), "--first", "2",
                "--target", "predicted", "--methods", "gradient,integrated-gradients", "--steps", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(out.resolve("faithfulness.json").toFile());
        assertEquals(3, j.get("methods").size());
        assertEquals("random", j.get("methods").get(2).get("method").asText());
        JsonNode first = j.get("methods").get(0);
        assertEquals(33, first.get("deletion_curve").size());
        double auc = first.get("deletion_auc").asDouble();
        assertTrue(auc >= 0 && auc <= 1, "probabilities integrate to [0, 1]: " + auc);
        assertEquals(2, first.get("deletion_auc_per_image").size());
        assertTrue(first.get("versus_random").get("deletion").asText().matches("better|worse|equal"));
        assertTrue(Files.readString(out.resolve("index.html")).contains("Verdict against the random ranking"));
    }

    @Test
    void reportHasEverySection() throws Exception {
        Path out = tmp.resolve("report");
        CliTest.Result r = CliTest.run("report", "--model", model.toString(), "--data", data.toString(), "--first", "3",
                "--samples", "2", "--steps", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(out.resolve("index.html"));
        for (String id : new String[] {"id=seed", "id=methods", "id=controls", "id=sanity", "id=faithfulness", "How to read it"}) {
            assertTrue(html.contains(id), id);
        }
        assertTrue(Files.isRegularFile(out.resolve("sanity-class.json")));
        assertTrue(Files.isRegularFile(out.resolve("faithfulness-neuron.json")));
        assertTrue(Files.isRegularFile(out.resolve("controls/0002.png")));
        // The report says what SmoothGrad and integrated gradients used, on stderr and on the page.
        assertTrue(r.err().contains("gbp report: SmoothGrad 2 samples and integrated gradients 2 steps in the methods side by side;"
                + " 2 samples and 2 steps in the sanity checks and faithfulness"), r.err());
        assertTrue(html.contains("SmoothGrad uses 2 samples and integrated gradients 2 steps."), "methods section");
        assertTrue(html.contains("here use 2 samples and 2 steps"), "sanity section");
        // The position wording matches the target's kind: a class target has no neuron position.
        assertTrue(html.contains("Class frozen: every randomised network is explained for the class chosen on the trained network"));
        assertTrue(html.contains("Neuron frozen: every randomised network is explained at the neuron"));
        assertFalse(html.contains("neuron position frozen"));
        assertTrue(html.contains("Verdict against the random ranking"));
        JsonNode sanity = new ObjectMapper().readTree(out.resolve("sanity-class.json").toFile());
        assertTrue(sanity.get("position_note").asText().startsWith("class frozen"));
        assertEquals(10, sanity.get("cascading").get("guided").get("spearman_abs").get("p25").size());
        // Neuron scores are fractions of the activation on the whole image: every deletion curve starts at 1.
        JsonNode neuron = new ObjectMapper().readTree(out.resolve("faithfulness-neuron.json").toFile());
        for (JsonNode m : neuron.get("methods")) {
            assertEquals(1.0, m.get("deletion_curve").get(0).asDouble(), 1e-9, m.get("method").asText());
        }
    }
}
