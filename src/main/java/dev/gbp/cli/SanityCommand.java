package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.Methods;
import dev.gbp.attr.Target;
import dev.gbp.eval.SanityCheck;
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

/** {@code gbp sanity}: model-parameter randomisation tests. */
@Command(name = "sanity", mixinStandardHelpOptions = true,
        description = {"Run the sanity checks of Adebayo et al. (2018): how maps change when weights are randomised.",
            "",
            "Cascading randomisation of the blocks from the top down and independent randomisation of one block",
            "at a time; at every step, for every image, Spearman rank correlation of absolute and of signed maps,",
            "SSIM and Spearman of HOG features against the trained network's map. Writes sanity.json, charts",
            "and index.html.", ""})
final class SanityCommand implements Callable<Integer> {
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

    @Option(names = "--position", defaultValue = "frozen",
            description = "Neuron position on randomised networks: frozen (the trained network's choice) or rechosen (default: ${DEFAULT-VALUE}).")
    String position;

    @Override
    public Integer call() throws Exception {
        SanityCheck.Position pos = parsePosition(position);
        eval.check();
        source.check();
        Methods.Options mo = methodOptions.toOptions();
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = eval.model.load(root)) {
            Target t = eval.target.resolve(net.spec());
            methodOptions.checkLayer(net.spec());
            createAll(eval.methods, net, mo);
            Selected sel = source.load(net.spec(), eval.first, 100, Main.messages(spec));
            eval.output.check();
            long start = System.nanoTime();
            SanityCheck.Result r = new SanityCheck(net, root, mo.seed(), eval.batchSize).run(sel.images(), t, eval.methods, mo, pos, 3);
            try (AtomicDirectory dir = AtomicDirectory.create(eval.output.out, eval.output.force)) {
                EvaluationPages.writeSanityJson(dir.path().resolve("sanity.json"), r);
                String body = EvaluationPages.sanitySection(dir.path(), "charts", r, EvaluationPages.thumbnails(sel.images(), 3),
                        sel.images().dims());
                Files.writeString(dir.path().resolve("index.html"), EvaluationPages.page("gbp sanity: " + t.spec(),
                        "model " + eval.model.name() + ", methods " + String.join(", ", eval.methods), body), StandardCharsets.UTF_8);
                dir.commit();
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "sanity checks written to %s in %.1f s%n", eval.output.out,
                    (System.nanoTime() - start) / 1e9);
        }
        return Main.EXIT_OK;
    }

    static SanityCheck.Position parsePosition(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "frozen":
                return SanityCheck.Position.FROZEN;
            case "rechosen":
                return SanityCheck.Position.RECHOSEN;
            default:
                throw new UsageException("--position must be frozen or rechosen, got '" + s + "'");
        }
    }

    /** Creates every method once, so that an option a method cannot use (e.g. --cam-layer) fails before the work. */
    static void createAll(List<String> methods, Network net, Methods.Options o) {
        for (String m : methods) {
            Methods.create(m, net, o);
        }
    }
}
