package dev.gbp.cli;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.Methods;
import dev.gbp.data.CifarImages;
import dev.gbp.explore.AtlasView;
import dev.gbp.explore.Explorer;
import dev.gbp.explore.ExplorerServer;
import dev.gbp.model.Network;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gbp explore}: the interactive explorer, a local web page served until Ctrl-C. */
@Command(name = "explore", mixinStandardHelpOptions = true,
        description = {"Serve an interactive explorer of images, methods and targets on this machine.",
            "",
            "Pick an image, a method and a target (any layer, channel, neuron or class), see the map at once,",
            "click a channel or a feature-map position to explain that neuron, and compare every method side by",
            "side. Open the printed address in a browser; Ctrl-C stops it. The page needs no network.", ""})
final class ExploreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ImageSource source;

    @Mixin
    Options options;

    @Mixin
    ModelOption model;

    @Option(names = "--first", paramLabel = "N", description = "Images to offer (default: 100, or all when there are fewer).")
    @Range(min = 1)
    Integer first;

    @Mixin
    MethodOptions methodOptions;

    @Option(names = "--atlas", paramLabel = "DIR",
            description = {"A neuron atlas of this model (the folder gbp atlas wrote): the page starts on its layer and",
                "shows, for the channel you click, its top images in the data set beside their reconstructions."})
    Path atlas;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8765", description = "Port, 0..65535 (default: ${DEFAULT-VALUE}; 0: any free port).")
    @Range(min = 0, max = 65535)
    int port;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = Main.messages(spec);
        Methods.Options mo = methodOptions.toOptions();
        source.check();
        options.startEngine();
        try (NDManager root = NDManager.newBaseManager(); Network net = model.load(root)) {
            methodOptions.checkLayer(net.spec());
            AtlasView atlasView = atlas == null ? null : AtlasView.read(atlas, net.spec());
            Selected sel = source.load(net.spec(), first, 100, err);
            CifarImages chosen = sel.images();
            Explorer explorer = new Explorer(net, chosen, sel.sources(), mo, atlasView);
            ExplorerServer server;
            try {
                server = ExplorerServer.start(explorer, host, port);
            } catch (BindException e) {
                throw new UsageException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                        + "); choose another --port, or 0 for any free one");
            }
            try (server) {
                // Serves until the process is stopped (Ctrl-C), whose shutdown hook releases this wait.
                CountDownLatch latch = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(latch::countDown));
                spec.commandLine().getOut().printf("gbp explorer: %s of %s on model %s%nopen %s (Ctrl-C stops it)%n",
                        Counts.of(chosen.size(), "image"), describe(sel), model.name(), server.url());
                spec.commandLine().getOut().flush();
                latch.await();
            }
        }
        return Main.EXIT_OK;
    }

    private static String describe(Selected sel) {
        String first = sel.sources().get(0);
        int hash = first.indexOf('#');
        return hash > 0 ? first.substring(0, hash) : first;
    }
}
