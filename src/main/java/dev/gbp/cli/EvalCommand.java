package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.model.Classifier;
import dev.gbp.model.Network;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp eval}: accuracy, per-class accuracy and confusion matrix of a bundle. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a model bundle on CIFAR-10: accuracy, per-class accuracy, confusion matrix.",
            "",
            "Accuracy overall and per class, and the confusion matrix (rows: true class, columns: predicted class).", ""})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Mixin
    Options options;

    @Mixin
    ModelOption model;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
            description = "Split of a data folder: test or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--first", paramLabel = "N", description = "Only the first N images (default: all).")
    @Range(min = 1)
    Integer first;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = Main.messages(spec);
        CifarReader.Split s = SplitOption.parse(split);
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            CifarImages images = Selected.fromData(net.spec(), false, data, s, err).range(0, first, Selected.ALL).images();
            List<String> classes = net.spec().classes();
            int k = classes.size();
            Classifier.Predictions p = Classifier.predict(net, images, 500);
            long[][] confusion = new long[k][k];
            int correct = 0;
            for (int i = 0; i < images.size(); i++) {
                int t = images.label(i);
                if (t >= k) {
                    throw new UsageException("image " + i + " has label " + t + " but the model has " + k + " classes");
                }
                int pr = p.predicted(i);
                confusion[t][pr]++;
                if (t == pr) {
                    correct++;
                }
            }
            double accuracy = (double) correct / images.size();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                o.put("model", model.name());
                o.put("accuracy", accuracy);
                o.put("correct", correct);
                o.put("count", images.size());
                ObjectNode perClass = o.putObject("per_class");
                for (int c = 0; c < k; c++) {
                    long total = rowSum(confusion[c]);
                    ObjectNode pc = perClass.putObject(classes.get(c));
                    pc.put("accuracy", total == 0 ? Double.NaN : (double) confusion[c][c] / total);
                    pc.put("count", total);
                }
                ArrayNode cm = o.putArray("confusion");
                for (long[] row : confusion) {
                    ArrayNode r = cm.addArray();
                    for (long v : row) {
                        r.add(v);
                    }
                }
                o.putPOJO("classes", classes);
                out.println(mapper.writeValueAsString(o));
            } else {
                out.printf(Locale.ROOT, "accuracy %.4f (%d of %d)%n%n", accuracy, correct, images.size());
                out.printf(Locale.ROOT, "%-12s %8s %6s%n", "class", "accuracy", "count");
                for (int c = 0; c < k; c++) {
                    long total = rowSum(confusion[c]);
                    out.printf(Locale.ROOT, "%-12s %8.4f %6d%n", classes.get(c),
                            total == 0 ? Double.NaN : (double) confusion[c][c] / total, total);
                }
                out.printf("%nconfusion matrix (rows: true class, columns: predicted)%n%-12s", "");
                for (int c = 0; c < k; c++) {
                    out.printf(" %6.6s", classes.get(c));
                }
                out.println();
                for (int r = 0; r < k; r++) {
                    out.printf("%-12s", classes.get(r));
                    for (int c = 0; c < k; c++) {
                        out.printf(" %6d", confusion[r][c]);
                    }
                    out.println();
                }
            }
            out.flush();
        }
        return Main.EXIT_OK;
    }

    private static long rowSum(long[] row) {
        long s = 0;
        for (long v : row) {
            s += v;
        }
        return s;
    }
}
