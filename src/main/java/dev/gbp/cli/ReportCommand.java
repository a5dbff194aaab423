package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.Network;
import dev.gbp.report.FullReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp report}: the whole story on one page. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write one self-contained HTML report (with its image files): the seed gallery, the methods side",
            "by side, the controls (random weights, another class, the three ReLU rules), the sanity-check charts",
            "and the faithfulness table, each with a note on how to read it."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Mixin
    Options options;

    @Mixin
    MethodOptions methodOptions;

    @Option(names = "--model", paramLabel = "DIR", description = "Model bundle (default: the shipped model).")
    Path model;

    @Option(names = "--first", defaultValue = "100", paramLabel = "N", description = "Test images (default: ${DEFAULT-VALUE}).")
    int first;

    @Option(names = "--layer", defaultValue = "conv3_relu", description = "Layer of the seed experiment (default: ${DEFAULT-VALUE}).")
    String layer;

    @Option(names = "--out", defaultValue = "gbp-report", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Replace an existing output folder.")
    boolean force;

    @Option(names = "--no-controls", description = "Leave out the per-image controls section.")
    boolean noControls;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path modelDir = model != null ? model : ShippedModel.path();
        UsageException.requireNewOrForced(out, force);
        Selected sel = Selected.load(data, null, "test", 0, first, err);
        options.startEngine();
        long start = System.nanoTime();
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(modelDir, root)) {
            ModelInput.requireCifarShape(net.spec(), modelDir);
            PhaseBars bars = new PhaseBars(err, start);
            FullReport report = new FullReport(net, root, modelDir.toString(), sel.images(), sel.indices(), layer,
                    methodOptions.toOptions(), !noControls, bars);
            try (AtomicDirectory dir = AtomicDirectory.create(out, force); bars) {
                report.write(dir.path());
                dir.commit();
            }
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "report written to %s (open %s) in %.0f s%n", out, out.resolve("index.html"),
                (System.nanoTime() - start) / 1e9);
        return Main.EXIT_OK;
    }

    /** A line per phase (its number and the time so far), then a progress bar with an estimate of the phase's time left. */
    private static final class PhaseBars implements FullReport.Progress, AutoCloseable {
        private final PrintWriter err;
        private final long start;
        private ProgressBar bar;

        PhaseBars(PrintWriter err, long start) {
            this.err = err;
            this.start = start;
        }

        @Override
        public void phase(String name, int index, int phases, long units) {
            close();
            err.printf(Locale.ROOT, "gbp report: %d/%d %s (%.0f s so far)%n", index, phases, name, (System.nanoTime() - start) / 1e9);
            err.flush();
            bar = ProgressBars.create(name, units, null);
        }

        @Override
        public void advance() {
            if (bar != null) {
                bar.step();
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
