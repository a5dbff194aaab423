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
        description = {"Measure faithfulness with deletion and insertion curves (Petsiuk et al. 2018).",
            "",
            "Pixels ranked by the per-pixel sum of |map| are changed --step at a time; deletion replaces them with",
            "the mean colour, insertion restores them into a blurred copy. Area under each curve (trapezoid",
            "rule), against a random ranking. Writes faithfulness.json, charts and index.html.", ""})
final class FaithfulnessCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ImageSource source;

    @Mixin
    Options options;

    @Mixin
    MethodOptions methodOptions;

    @Mixin
    EvaluationOptions eval;

    @Option(names = "--step", paramLabel = "N",
            description = "Pixels changed per step, 1..1000000 (default: a 32nd of the image's pixels, 32 for 32 x 32).")
    @Range(min = 1, max = 1_000_000)
    Integer step;

    @Override
    public Integer call() throws Exception {
        eval.check();
        source.check();
        Methods.Options mo = methodOptions.toOptions();
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = eval.model.load(root)) {
            Target t = eval.target.resolve(net.spec());
            methodOptions.checkLayer(net.spec());
            SanityCommand.createAll(eval.methods, net, mo);
            Selected sel = source.load(net.spec(), eval.first, 100, Main.messages(spec));
            eval.output.check();
            int step = this.step != null ? this.step : Faithfulness.defaultStep(sel.images().height(), sel.images().width());
            long start = System.nanoTime();
            List<Faithfulness.Curve> curves = Faithfulness.compare(net, sel.images(), t, eval.methods, mo, step, eval.batchSize);
            int n = sel.images().size();
            try (AtomicDirectory dir = AtomicDirectory.create(eval.output.out, eval.output.force)) {
                EvaluationPages.writeFaithfulnessJson(dir.path().resolve("faithfulness.json"), t, n, step, curves);
                String body = EvaluationPages.faithfulnessSection(dir.path(), "charts", t, n, step, curves);
                Files.writeString(dir.path().resolve("index.html"), EvaluationPages.page("gbp faithfulness: " + t.spec(),
                        "model " + eval.model.name() + ", methods " + String.join(", ", eval.methods), body), StandardCharsets.UTF_8);
                dir.commit();
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "faithfulness written to %s in %.1f s%n", eval.output.out,
                    (System.nanoTime() - start) / 1e9);
        }
        return Main.EXIT_OK;
    }
}
