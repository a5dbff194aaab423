package dev.gbp.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.io.AtomicDirectory;
import dev.gbp.io.Hashing;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.train.Augmenter;
import dev.gbp.train.EpochStats;
import dev.gbp.train.TrainConfig;
import dev.gbp.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gbp train}: trains a network on CIFAR-10 and writes a model bundle. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a CNN on CIFAR-10 and write a model bundle.",
            "",
            "Trains on the CIFAR-10 training set and writes model.json, weights.npz and training.json.",
            "Augmentation: random crop with 4-pixel padding and horizontal flip; SGD with Nesterov momentum on a",
            "one-cycle schedule; label-smoothed cross-entropy (--label-smoothing). Test accuracy is printed after every",
            "--test-every epochs. The bundle is written atomically.", ""})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Mixin
    Options options;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Bundle folder to write.")
    Path out;

    @Option(names = "--arch", paramLabel = "FILE",
            description = "Architecture as a model.json (its normalize values are replaced by the training data's). Default: the built-in CIFAR-10 network.")
    Path arch;

    @Option(names = "--epochs", defaultValue = "18", description = "Epochs, 1..10000 (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = 10_000)
    int epochs;

    @Option(names = "--batch-size", defaultValue = "256",
            description = "Batch size, 1.." + Ranges.MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    @Range(min = 1, max = Ranges.MAX_BATCH)
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.2", description = "Peak learning rate, above 0 and at most 10 (default: ${DEFAULT-VALUE}).")
    @Range(min = 0, max = 10, minExclusive = true)
    double lr;

    @Option(names = "--weight-decay", defaultValue = "5e-4",
            description = "Weight decay on conv and linear weights, 0..1 (default: ${DEFAULT-VALUE}).")
    @Range(min = 0, max = 1)
    double weightDecay;

    @Option(names = "--cutout", paramLabel = "SIDE", defaultValue = "0",
            description = "Cutout: mask a random SIDE x SIDE square of each training image with its mean colour, 0..64 (default: ${DEFAULT-VALUE}, none).")
    @Range(min = 0, max = 64)
    int cutout;

    @Option(names = "--alternating-flip",
            description = "Mirror each training image in every other epoch, from a random first choice (Keller Jordan's"
                    + " airbench), instead of with probability 1/2 in each epoch.")
    boolean alternatingFlip;

    @Option(names = "--label-smoothing", paramLabel = "E", defaultValue = "0.1",
            description = "Label smoothing: the target gives the true class 1 - E + E/classes and every other E/classes,"
                    + " 0 to below 1 (default: ${DEFAULT-VALUE}).")
    @Range(min = 0, max = 0.99)
    double labelSmoothing;

    @Option(names = "--logit-scale", paramLabel = "S", defaultValue = "1",
            description = "Multiply the logits by S in the loss (a softmax temperature that lets a high --lr train stably,"
                    + " as in Page's ResNet-9 recipe: 0.125); S is folded into the last linear layer when training ends,"
                    + " so the bundle gives the logits the loss saw. Above 0 and at most 100 (default: ${DEFAULT-VALUE}).")
    @Range(min = 0, max = 100, minExclusive = true)
    double logitScale;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--init", paramLabel = "DIR",
            description = "Start from this bundle's weights (fine-tuning): its architecture and normalisation are kept.")
    Path init;

    @Option(names = "--train-limit", paramLabel = "N",
            description = "Use only the first N training images (for quick trials).")
    @Range(min = 1)
    Integer trainLimit;

    @Option(names = "--test-every", paramLabel = "N", defaultValue = "1",
            description = "Test accuracy after every N-th epoch and after the last (default: ${DEFAULT-VALUE}; each test pass costs time the run is timed with).")
    @Range(min = 1, max = 10_000)
    int testEvery;

    @Option(names = "--force", description = "Replace an existing output folder.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter messages = Main.messages(spec);
        TrainConfig config = new TrainConfig(epochs, batchSize, lr, weightDecay, 0.9, labelSmoothing, 0.2, seed, testEvery, cutout, logitScale,
                alternatingFlip);
        if (init != null && arch != null) {
            throw new UsageException("--init and --arch exclude each other: --init keeps the bundle's architecture");
        }
        ModelSpec architecture = init != null ? ModelSpec.read(init.resolve(Network.MODEL_FILE))
                : arch == null ? DefaultArchitecture.cifar10() : ModelSpec.read(arch);
        Path dataPath = data.resolve(messages);
        if (!Files.isDirectory(dataPath)) {
            throw new UsageException("--data must be the CIFAR-10 folder for training (it needs the train and test files), got "
                    + dataPath);
        }
        CifarImages train = CifarReader.read(dataPath, CifarReader.Split.TRAIN);
        CifarImages test = CifarReader.read(dataPath, CifarReader.Split.TEST);
        if (trainLimit != null) {
            train = train.slice(0, Math.min(trainLimit, train.size()));
        }
        // The output folder is checked last, after every other option and input.
        UsageException.requireNewOrForced(out, force);
        options.startEngine();
        float[][] stats = init != null ? new float[][] {architecture.mean(), architecture.std()} : Augmenter.channelStats(train);
        ModelSpec specWithStats = architecture.withNormalization(stats[0], stats[1]);
        messages.printf(Locale.ROOT, "%s and %s from %s; %s%n", Counts.of(train.size(), "training image"),
                Counts.of(test.size(), "test image"), dataPath, Counts.of(TorchRuntime.threads(), "thread"));
        messages.printf(Locale.ROOT, "normalisation mean %.4f %.4f %.4f, std %.4f %.4f %.4f%n",
                stats[0][0], stats[0][1], stats[0][2], stats[1][0], stats[1][1], stats[1][2]);
        messages.flush();

        // Fail now, not after hours of training, when the output folder cannot be made; the bundle's hidden temporary
        // folder itself is only made when the bundle is written, so a run killed while training leaves none.
        AtomicDirectory.create(out, force).close();
        long started = System.nanoTime();
        try (NDManager root = NDManager.newBaseManager();
                Network net = Network.create(specWithStats, root, seed)) {
            if (init != null) {
                try (Network start = Network.load(init, root)) {
                    net.setWeights(start.weights(), init.toString());
                }
            }
            ProgressListener listener = new ProgressListener(config.epochs(), err);
            List<EpochStats> history;
            try {
                history = new Trainer(config, listener).train(net, train, test);
            } finally {
                listener.closeBar(); // an error message then starts on a line of its own
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            try (AtomicDirectory dir = AtomicDirectory.create(out, force)) {
                net.save(dir.path());
                writeTrainingJson(dir.path().resolve("training.json"), config, history, dataPath, train.size(), seconds);
                dir.commit();
            }
            EpochStats last = history.get(history.size() - 1);
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "trained %s in %.1f min: test accuracy %.4f; bundle written to %s%n",
                    Counts.of(history.size(), "epoch"), seconds / 60, last.testAccuracy(), out);
        }
        return Main.EXIT_OK;
    }

    private void writeTrainingJson(Path file, TrainConfig config, List<EpochStats> history, Path dataPath,
            int trainCount, double seconds) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("command", "gbp train --epochs " + config.epochs() + " --batch-size " + config.batchSize()
                + " --lr " + config.lr() + " --weight-decay " + config.weightDecay() + " --seed " + config.seed()
                + " --threads " + TorchRuntime.threads() + (trainLimit == null ? "" : " --train-limit " + trainLimit)
                + (init == null ? "" : " --init " + init) + (arch == null ? "" : " --arch " + arch)
                + (config.testEvery() == 1 ? "" : " --test-every " + config.testEvery())
                + (config.cutout() == 0 ? "" : " --cutout " + config.cutout())
                + (config.alternatingFlip() ? " --alternating-flip" : "")
                + " --label-smoothing " + config.labelSmoothing()
                + (config.logitScale() == 1 ? "" : " --logit-scale " + config.logitScale()));
        if (init != null && java.nio.file.Files.isRegularFile(init.resolve("training.json"))) {
            root.set("init", json.readTree(init.resolve("training.json").toFile()));
        }
        root.put("finished", Instant.now().toString());
        ObjectNode hp = root.putObject("hyperparameters");
        hp.put("epochs", config.epochs());
        hp.put("batch_size", config.batchSize());
        hp.put("optimizer", "sgd-nesterov");
        hp.put("momentum", config.momentum());
        hp.put("peak_lr", config.lr());
        hp.put("schedule", "one-cycle: linear warm-up over the first " + config.warmupFraction()
                + " of the steps from 0.1 x peak, then linear decay to 0");
        hp.put("weight_decay", config.weightDecay());
        hp.put("label_smoothing", config.labelSmoothing());
        hp.put("logit_scale", config.logitScale());
        if (config.logitScale() != 1) {
            hp.put("logit_scale_note", "the loss read the logits times logit_scale; the factor is folded into the last"
                    + " linear layer's weight and bias, so the bundle's logits are the ones the loss saw");
        }
        hp.put("augmentation", "random crop 32 with 4-pixel black padding, "
                + (config.alternatingFlip() ? "horizontal flip in every other epoch (a random first choice per image)"
                        : "horizontal flip p=0.5")
                + (config.cutout() == 0 ? "" : ", cutout " + config.cutout() + "x" + config.cutout() + " (mean colour)"));
        hp.put("seed", config.seed());
        hp.put("train_images", trainCount);
        ArrayNode epochsNode = root.putArray("epochs");
        for (EpochStats e : history) {
            ObjectNode o = epochsNode.addObject();
            o.put("epoch", e.epoch());
            o.put("loss", e.loss());
            o.put("train_accuracy", e.trainAccuracy());
            if (!Double.isNaN(e.testAccuracy())) {
                o.put("test_accuracy", e.testAccuracy());
            }
            o.put("seconds", e.seconds());
            o.put("images_per_second", e.imagesPerSecond());
        }
        root.put("total_seconds", seconds);
        ObjectNode dataNode = root.putObject("data");
        dataNode.put("path", dataPath.toAbsolutePath().toString());
        ObjectNode hashes = dataNode.putObject("sha256");
        for (String f : CifarReader.TRAIN_FILES) {
            hashes.put(f, Hashing.sha256(dataPath.resolve(f)));
        }
        hashes.put(CifarReader.TEST_FILE, Hashing.sha256(dataPath.resolve(CifarReader.TEST_FILE)));
        ObjectNode env = root.putObject("environment");
        env.put("djl", Engine.getDjlVersion());
        env.put("pytorch", TorchRuntime.torchVersion());
        env.put("java", System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("threads", TorchRuntime.threads());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** Draws one progress bar per epoch and prints a summary line after each. */
    private static final class ProgressListener implements Trainer.Listener {
        private final int epochs;
        private final PrintWriter err;
        private final long start = System.nanoTime();
        private ProgressBar bar;
        private int steps;
        private long stepsDone;

        ProgressListener(int epochs, PrintWriter err) {
            this.epochs = epochs;
            this.err = err;
        }

        @Override
        public void epochStarted(int epoch, int stepsPerEpoch) {
            steps = stepsPerEpoch;
            bar = ProgressBars.create(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), stepsPerEpoch, null);
        }

        @Override
        public void stepDone(int epoch, int step, double loss, double accuracy, double imagesPerSecond) {
            stepsDone++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            double left = elapsed / stepsDone * ((long) steps * epochs - stepsDone);
            bar.stepTo(step);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.3f acc %.3f %.0f img/s, %s left", loss, accuracy,
                    imagesPerSecond, minutes(left)));
        }

        @Override
        public void epochDone(EpochStats s) {
            closeBar();
            String test = Double.isNaN(s.testAccuracy()) ? "" : String.format(Locale.ROOT, ", test accuracy %.4f", s.testAccuracy());
            err.printf(Locale.ROOT, "epoch %d/%d: loss %.4f, train accuracy %.4f%s, %.0f s, %.0f images/s%n",
                    s.epoch(), epochs, s.loss(), s.trainAccuracy(), test, s.seconds(), s.imagesPerSecond());
            err.flush();
        }

        /** Ends the current epoch's bar, if one is drawn. */
        void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }

        private static String minutes(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
    }
}
