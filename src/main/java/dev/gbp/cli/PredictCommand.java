package dev.gbp.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.data.CifarImages;
import dev.gbp.model.Network;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp predict}: the model's classes for image files. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify image files: per image the predicted class, its probability and the top 5.",
            "",
            "Pictures are resized to the model's input as --resize says. With --json, stdout is one object:",
            "{\"images\": [{\"file\", \"logits\" (every class, float32), \"predicted\", \"probability\", \"top5\"}, ...]}.", ""})
final class PredictCommand implements Callable<Integer> {
    /** Classes listed per image. */
    static final int TOP = 5;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ImageFilesOption files;

    @Mixin
    Options options;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Images per batch, 1.." + Ranges.MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = Ranges.MAX_BATCH)
    int batchSize;

    @Option(names = "--json", description = "Write JSON to stdout instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = Main.messages(spec);
        if (!files.given()) {
            throw new UsageException("--images FILE... is required: the pictures to classify");
        }
        files.mode();
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            Selected sel = files.read(net.spec(), err);
            CifarImages images = sel.images();
            int n = images.size();
            int k = net.spec().classes().size();
            float[] logits = new float[n * k];
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                try (NDScope scope = new NDScope()) {
                    NDArray x = net.preprocess(net.manager(), images, from, to);
                    float[] out = net.forward(x, false).toFloatArray();
                    if (out.length != (to - from) * k) {
                        throw new IllegalStateException("the network gave " + out.length / (to - from) + " outputs per image but has "
                                + k + " classes");
                    }
                    System.arraycopy(out, 0, logits, from * k, out.length);
                }
            }
            List<Prediction> predictions = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] l = new float[k];
                System.arraycopy(logits, i * k, l, 0, k);
                predictions.add(Prediction.of(sel.sources().get(i), l));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(toJson(predictions, net.spec().classes()));
            } else {
                out.print(table(predictions, net.spec().classes()));
            }
            out.flush();
        }
        return Main.EXIT_OK;
    }

    /** One image's logits, softmax probabilities (computed in double) and classes by probability. */
    record Prediction(String file, float[] logits, double[] probabilities, int[] ranked) {
        static Prediction of(String file, float[] logits) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits) {
                max = Math.max(max, v);
            }
            double[] p = new double[logits.length];
            double sum = 0;
            for (int c = 0; c < p.length; c++) {
                p[c] = Math.exp(logits[c] - max);
                sum += p[c];
            }
            List<Integer> order = new ArrayList<>();
            for (int c = 0; c < p.length; c++) {
                p[c] /= sum;
                order.add(c);
            }
            // Highest probability first; ties: lower class index first.
            order.sort(Comparator.comparingDouble((Integer c) -> -p[c]).thenComparingInt(c -> c));
            return new Prediction(file, logits, p, order.stream().mapToInt(Integer::intValue).toArray());
        }

        int predicted() {
            return ranked[0];
        }

        int top() {
            return Math.min(TOP, ranked.length);
        }
    }

    static String toJson(List<Prediction> predictions, List<String> classes) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode list = root.putArray("images");
        for (Prediction p : predictions) {
            ObjectNode o = list.addObject();
            o.put("file", p.file());
            ArrayNode l = o.putArray("logits");
            for (float v : p.logits()) {
                l.add(v);
            }
            o.put("predicted", p.predicted());
            o.put("probability", p.probabilities()[p.predicted()]);
            ArrayNode top = o.putArray("top5");
            for (int r = 0; r < p.top(); r++) {
                int c = p.ranked()[r];
                ObjectNode t = top.addObject();
                t.put("class", c);
                t.put("name", classes.get(c));
                t.put("probability", p.probabilities()[c]);
            }
        }
        return mapper.writeValueAsString(root);
    }

    /** Per image: the file and predicted class, then the top classes with their probabilities. */
    static String table(List<Prediction> predictions, List<String> classes) {
        StringBuilder b = new StringBuilder();
        for (Prediction p : predictions) {
            int c = p.predicted();
            String name = classes.get(c).equals(String.valueOf(c)) ? "class " + c : classes.get(c) + " (class " + c + ")";
            b.append(String.format(Locale.ROOT, "%s: predicted %s, probability %.4f%n", p.file(), name, p.probabilities()[c]));
            int width = 5;
            for (int r = 0; r < p.top(); r++) {
                width = Math.max(width, classes.get(p.ranked()[r]).length());
            }
            b.append(String.format(Locale.ROOT, "  %-4s %-" + width + "s %6s  %s%n", "rank", "class", "index", "probability"));
            for (int r = 0; r < p.top(); r++) {
                int k = p.ranked()[r];
                b.append(String.format(Locale.ROOT, "  %-4d %-" + width + "s %6d  %.4f%n", r + 1, classes.get(k), k,
                        p.probabilities()[k]));
            }
            b.append(String.format("%n"));
        }
        return b.toString();
    }
}
