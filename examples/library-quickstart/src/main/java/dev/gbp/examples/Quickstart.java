package dev.gbp.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.data.ImageFiles;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Network;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains one picture as the seed experiment does: finds the most active neuron of the first ReLU after the third
 * conv layer ({@code conv3_relu}) and propagates it back to the pixels with guided backpropagation.
 *
 * <p>Arguments (each optional, paths relative to the repository's root): the model bundle
 * ({@code models/cifar10-seed}), a PNG or JPEG picture ({@code docs/img/boat.png}) and the PNG to write
 * ({@code quickstart-guided.png}): the picture and its map side by side.
 */
public final class Quickstart {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "models/cifar10-seed");
        Path picture = Path.of(args.length > 1 ? args[1] : "docs/img/boat.png");
        Path out = Path.of(args.length > 2 ? args[2] : "quickstart-guided.png");

        TorchRuntime.start(1); // PyTorch offline, one thread; before anything else touches DJL
        try (NDManager manager = NDManager.newBaseManager(); Network net = Network.load(model, manager)) {
            int[] in = net.spec().input(); // C, H, W: the picture is resized to it
            CifarImages image = ImageFiles.read(List.of(picture), in[0], in[1], in[2], ImageFiles.Resize.STRETCH,
                    new ArrayList<>(), new ArrayList<>(), resized -> { });
            NDArray x = net.preprocess(manager, image, 0, 1); // (pixel / 255 - mean) / std
            String layer = net.spec().seedLayerRef(); // the first ReLU after the third conv: conv3_relu
            AttributionResult r = GuidedBackprop.of(net).attribute(x, Target.maxNeuron(layer));

            NeuronChoice n = r.choice(0);
            System.out.printf("%s: most active neuron (c, y, x) = (%d, %d, %d), activation %.3f%n",
                    layer, n.c(), n.y(), n.x(), n.activation());
            int scale = Pictures.scaleFor(in[1], in[2], 128); // about 128 px on the longer side
            Pictures.writePng(Pictures.row(List.of(Pictures.image(image, 0, scale),
                    Pictures.map(r.map(0), in[0], in[1], in[2], Normalization.COLOR, scale)),
                    List.of(picture.getFileName().toString(), "guided backprop"), List.of()), out);
            System.out.println("wrote " + out);
        }
    }
}
