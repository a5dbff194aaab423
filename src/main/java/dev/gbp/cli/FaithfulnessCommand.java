package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.Methods;
import dev.gbp.attr.Target;
import dev.gbp.eval.Faithfulness;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.model.Network;
import dev.gbp.report.EvaluationPages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    @Mixin
    EvaluationOptions eval;

    @Option(names = "--step", defaultValue = "32", description = "Pixels changed per step (default: ${DEFAULT-VALUE}).")
    int step;

    @Override
    public Integer call() throws Exception {
        eval.check();
        if (step < 1) {
            throw new UsageException("--step must be at least 1, got " + step);
        }
        Selected sel = Selected.load(data, null, "test", 0, eval.first, spec.commandLine().getErr());
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = Network.load(eval.model, root)) {
            ModelInput.requireCifarShape(net.spec(), eval.model);
            Target t = Target.parse(eval.target, net.spec());
            Methods.Options mo = methodOptions.toOptions();
            SanityCommand.checkMethods(eval.methods, net, mo);
            long start = System.nanoTime();
            List<Faithfulness.Curve> curves = Faithfulness.compare(net, sel.images(), t, eval.methods, mo, step, eval.batchSize);
            int n = sel.images().size();
            try (AtomicDirectory dir = AtomicDirectory.create(eval.out, eval.force)) {
                EvaluationPages.writeFaithfulnessJson(dir.path().resolve("faithfulness.json"), t, n, step, curves);
                String body = EvaluationPages.faithfulnessSection(dir.path(), "charts", t, n, step, curves);
                Files.writeString(dir.path().resolve("index.html"), EvaluationPages.page("gbp faithfulness: " + t.spec(),
                        "model " + eval.model + ", methods " + String.join(", ", eval.methods), body), StandardCharsets.UTF_8);
                dir.commit();
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "faithfulness written to %s in %.1f s%n", eval.out,
                    (System.nanoTime() - start) / 1e9);
        }
        return Main.EXIT_OK;
    }
}
