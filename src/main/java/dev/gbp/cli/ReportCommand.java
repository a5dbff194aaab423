package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.Methods;
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
        description = {"Write one HTML report: seed gallery, methods side by side, controls, sanity checks, faithfulness.",
            "",
            "One self-contained page (with its image files): the seed gallery, the methods side by side, the",
            "controls (random weights, another class, the three ReLU rules), the sanity-check charts and the",
            "faithfulness table, each with a note on how to read it.",
            "",
            "--samples and --steps apply as given to the methods side by side; the sanity checks and faithfulness,",
            "which run every method many times, use at most " + FullReport.LIGHT_SAMPLES + " SmoothGrad samples and "
                + FullReport.LIGHT_STEPS + " integrated-gradients",
            "steps. The page and the command's messages state the numbers used.", ""})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ImageSource source;

    @Mixin
    Options options;

    @Mixin
    MethodOptions methodOptions;

    @Mixin
    ModelOption model;

    @Option(names = "--first", paramLabel = "N", description = "Images (default: 100, or all when there are fewer).")
    @Range(min = 1)
    Integer first;

    @Option(names = "--layer", paramLabel = "LAYER",
            description = "Layer of the seed experiment, a name or 0-based index (default: the ReLU after the model's third conv layer).")
    String layer;

    @Option(names = "--out", defaultValue = "gbp-report", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Replace an existing output folder.")
    boolean force;

    @Option(names = "--no-controls", description = "Leave out the per-image controls section.")
    boolean noControls;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = Main.messages(spec);
        source.check();
        Methods.Options mo = methodOptions.toOptions();
        options.startEngine();
        long start = System.nanoTime();
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            String modelDir = model.name();
            String seedLayer = DemoCommand.layerOption(net.spec(), layer);
            methodOptions.checkLayer(net.spec());
            Selected sel = source.load(net.spec(), first, 100, err);
            UsageException.requireNewOrForced(out, force);
            err.printf(Locale.ROOT, "SmoothGrad %s and integrated gradients %s in the methods side by side; %s and %s in the"
                    + " sanity checks and faithfulness%n", Counts.of(mo.samples(), "sample"), Counts.of(mo.steps(), "step"),
                    Counts.of(Math.min(mo.samples(), FullReport.LIGHT_SAMPLES), "sample"),
                    Counts.of(Math.min(mo.steps(), FullReport.LIGHT_STEPS), "step"));
            PhaseBars bars = new PhaseBars(err, start);
            FullReport report = new FullReport(net, root, modelDir, sel.images(), sel.sources(), sel.indices(),
                    sel.describe(), seedLayer,
                    mo, !noControls, bars);
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
            err.printf(Locale.ROOT, "%d/%d %s (%.0f s so far)%n", index, phases, name, (System.nanoTime() - start) / 1e9);
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
