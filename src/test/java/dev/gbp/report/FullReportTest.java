package dev.gbp.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.gbp.TestFiles;
import dev.gbp.attr.Baseline;
import dev.gbp.attr.Methods;
import dev.gbp.data.CifarImages;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullReportTest {
    @TempDir
    Path tmp;

    /** Records each phase's declared units and the advances it received. */
    private static final class Recorder implements FullReport.Progress {
        final List<String> names = new ArrayList<>();
        final List<Long> declared = new ArrayList<>();
        final List<Long> done = new ArrayList<>();

        @Override
        public void phase(String name, int index, int phases, long units) {
            assertEquals(names.size() + 1, index, "phases are numbered from 1 in order");
            assertEquals(7, phases);
            names.add(name);
            declared.add(units);
            done.add(0L);
        }

        @Override
        public void advance() {
            assertTrue(!done.isEmpty(), "an advance before the first phase");
            done.set(done.size() - 1, done.get(done.size() - 1) + 1);
        }
    }

    @Test
    void everyPhaseAdvancesExactlyTheUnitsItAnnounced() throws Exception {
        TorchRuntime.start(1);
        byte[] recs = TestFiles.records(3, 70);
        byte[] px = new byte[3 * CifarImages.PIXELS];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(recs, i * CifarImages.RECORD_BYTES + 1, px, i * CifarImages.PIXELS, CifarImages.PIXELS);
        }
        CifarImages images = new CifarImages(px, new int[] {0, 1, 2}, CifarImages.DEFAULT_CLASSES);
        Recorder progress = new Recorder();
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.create(DefaultArchitecture.cifar10(), m, 4)) {
            Methods.Options options = new Methods.Options(null, 2, 0.15, 2, Baseline.ZERO, 0, 256);
            new FullReport(net, m, "test", images, List.of("a#0", "a#1", "a#2"), new int[] {0, 1, 2}, "the first 3 images of a",
                    "conv3_relu", options, true, progress).write(tmp);
        }
        assertEquals(List.of("seed gallery", "methods side by side", "controls", "sanity checks, class target",
                "sanity checks, neuron target", "faithfulness, class target", "faithfulness, neuron target"), progress.names);
        assertEquals(progress.declared, progress.done, "units done per phase, as announced");
        assertTrue(Files.readString(tmp.resolve("index.html")).contains("id=faithfulness"));
    }
}
