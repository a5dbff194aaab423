package dev.gbp.eval;

import ai.djl.ndarray.NDManager;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.model.NpyArray;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies of a trained network with some layers re-initialised, for the model-parameter randomisation
 * tests (Adebayo et al. 2018). The unit of randomisation is a block: a conv or linear layer together
 * with the BatchNorm right after it, re-initialised as training starts (He-normal weights, zero
 * biases, BatchNorm scale 1, shift 0, running mean 0, variance 1), from a fixed seed.
 */
public final class Randomizer {
    private final Network trained;
    private final Map<String, NpyArray> trainedWeights;
    private final Map<String, NpyArray> freshWeights;

    /**
     * Randomised copies of {@code trained}; the fresh weights are drawn once, here.
     *
     * @param trained the trained network
     * @param manager holds the network the fresh weights are drawn in, closed before this returns
     * @param seed the fresh weights' seed
     */
    public Randomizer(Network trained, NDManager manager, long seed) {
        this.trained = trained;
        this.trainedWeights = trained.weights();
        try (Network fresh = Network.create(trained.spec(), manager, seed)) {
            this.freshWeights = fresh.weights();
        }
    }

    /**
     * A block of layers randomised together, named after its first layer.
     *
     * @param name the first layer's label
     * @param first the first layer's index
     * @param layers the indices of every layer of the block
     */
    public record Block(String name, int first, List<Integer> layers) {}

    /**
     * The blocks with parameters at or below layer {@code top}, from the top down.
     *
     * @param top the highest node
     * @return the blocks, from the output down
     */
    public List<Block> blocksTopDown(int top) {
        return blocksTopDown(trained.spec(), top);
    }

    /**
     * The blocks of {@code spec} with parameters that node {@code top} depends on, from the output
     * down (reverse topological order): each weighted node (conv, linear) with the BatchNorm nodes that
     * read it alone, and each BatchNorm that reads no weighted node on its own.
     *
     * @param spec the network's spec
     * @param top the highest node
     * @return the blocks, from the output down
     */
    public static List<Block> blocksTopDown(ModelSpec spec, int top) {
        boolean[] feeds = spec.ancestors(top);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i <= top; i++) {
            LayerSpec l = spec.layer(i);
            if (!feeds[i]) {
                continue;
            }
            if (l.kind().isWeighted()) {
                List<Integer> members = new ArrayList<>(List.of(i));
                for (int c : spec.consumersOf(i)) {
                    if (c <= top && feeds[c] && spec.layer(c).kind().isBatchNorm() && spec.consumersOf(i).length == 1) {
                        members.add(c);
                    }
                }
                blocks.add(new Block(l.name(), i, members));
            } else if (l.kind().isBatchNorm() && !foldsInto(spec, i)) {
                blocks.add(new Block(l.name(), i, List.of(i)));
            }
        }
        java.util.Collections.reverse(blocks);
        return blocks;
    }

    /** Whether BatchNorm node {@code bn} reads a weighted node that nothing else reads (so joins its block). */
    private static boolean foldsInto(ModelSpec spec, int bn) {
        int in = spec.inputsOf(bn)[0];
        return in != ModelSpec.GRAPH_INPUT && spec.layer(in).kind().isWeighted() && spec.consumersOf(in).length == 1;
    }

    /**
     * A new network (owned by the caller) equal to the trained one except the given blocks.
     *
     * @param blocks the blocks to re-initialise
     * @param manager the parent manager of the new network
     * @return the network; close it when done
     */
    public Network withRandomized(Collection<Block> blocks, NDManager manager) {
        Map<String, NpyArray> w = new HashMap<>(trainedWeights);
        ModelSpec spec = trained.spec();
        for (Block b : blocks) {
            for (int layer : b.layers()) {
                String prefix = spec.layer(layer).name() + ".";
                freshWeights.forEach((k, v) -> {
                    if (k.startsWith(prefix)) {
                        w.put(k, v);
                    }
                });
            }
        }
        Network net = Network.create(spec, manager, 0);
        net.setWeights(w, "randomised copy");
        return net;
    }

    /**
     * A wholly re-initialised network with the same architecture (the random-weights control).
     *
     * @param manager the parent manager of the new network
     * @return the network; close it when done
     */
    public Network fullyRandom(NDManager manager) {
        Network net = Network.create(trained.spec(), manager, 0);
        net.setWeights(freshWeights, "random weights");
        return net;
    }
}
