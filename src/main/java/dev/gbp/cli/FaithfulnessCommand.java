package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.Methods;
import dev.gbp.attr.Target;
import dev.gbp.eval.Faithfulness;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.Network;
import dev.gbp.report.EvaluationPages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp faithfulness}: deletion and insertion curves. */
@Command(name = "faithfulness", mixinStandardHelpOptions = true,
        description = {"Deletion and insertion curves (Petsiuk et al. 2018): pixels ranked by the per-pixel sum of |map|,",
            "changed 32 at a time; deletion replaces them with the mean colour, insertion restores them into a",
            "blurred copy. Area under each curve (trapezoid rule), against a random ranking.",
            "Writes faithfulness.json, charts and index.html."})
final class FaithfulnessCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Mixin
    Options options;

    @Mixin
    MethodOptions methodOptions;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model bundle folder.")
    Path model;

    @Option(names = "--first", defaultValue = "100", paramLabel = "N", description = "Test images (default: ${DEFAULT-VALUE}).")
    int first;

    @Option(names = "--target", required = true, paramLabel = "SPEC", description = "What to explain (as for explain).")
    String target;

    @Option(names = "--methods", required = true, split = ",", paramLabel = "a,b,...", description = "Methods to score.")
    List<String> methods;

    @Option(names = "--step", defaultValue = "32", description = "Pixels changed per step (default: ${DEFAULT-VALUE}).")
    int step;

    @Option(names = "--batch-size", defaultValue = "100", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (written atomically).")
    Path out;

    @Option(names = "--force", description = "Replace an existing output folder.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out) && !force) {
            throw new UsageException(out + " already exists (use --force to replace it)");
        }
        if (step < 1) {
            throw new UsageException("--step must be at least 1, got " + step);
        }
        Selected sel = Selected.load(data, null, "test", 0, first, spec.commandLine().getErr());
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(model, root)) {
            ModelInput.requireCifarShape(net.spec(), model);
            Target t = Target.parse(target, net.spec());
            Methods.Options mo = methodOptions.toOptions();
            SanityCommand.checkMethods(methods, net, mo);
            long start = System.nanoTime();
            List<Faithfulness.Curve> curves = run(net, sel, t, methods, mo, step, batchSize);
            try (AtomicDirectory dir = AtomicDirectory.create(out, force)) {
                EvaluationPages.writeFaithfulnessJson(dir.path().resolve("faithfulness.json"), t.spec(), sel.images().size(), step, curves);
                String body = EvaluationPages.faithfulnessSection(dir.path(), "charts", t.spec(), sel.images().size(), step, curves);
                Files.writeString(dir.path().resolve("index.html"), EvaluationPages.page("gbp faithfulness: " + t.spec(),
                        "model " + model + ", methods " + String.join(", ", methods), body), StandardCharsets.UTF_8);
                dir.commit();
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "faithfulness written to %s in %.1f s%n", out,
                    (System.nanoTime() - start) / 1e9);
        }
        return Main.EXIT_OK;
    }

    static List<Faithfulness.Curve> run(Network net, Selected sel, Target t, List<String> methods, Methods.Options mo, int step,
            int batchSize) {
        Faithfulness f = new Faithfulness(net, step, 330);
        List<Faithfulness.Curve> curves = new ArrayList<>();
        AttributionResult first = null;
        for (String m : methods) {
            AttributionResult r = BatchRunner.run(Methods.create(m, net, mo), net, sel.images(), t, batchSize, null);
            first = first == null ? r : first;
            curves.add(f.evaluate(m, sel.images(), r));
        }
        curves.add(f.random(sel.images(), first, mo.seed()));
        return curves;
    }
}
