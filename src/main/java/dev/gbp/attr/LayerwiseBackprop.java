package dev.gbp.attr;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.gbp.engine.ChannelsLast;
import dev.gbp.engine.HostCopy;
import dev.gbp.engine.SeededBackward;
import dev.gbp.model.Classifier;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;

/**
 * The engine behind {@code gradient}, {@code deconvnet} and {@code guided}: back-propagation node by
 * node in reverse topological order, with a {@link ReluRule} at every rectifier call site (ReLU,
 * ReLU6) and the exact vector-Jacobian product of every other node.
 *
 * <p>DJL has no backward hooks, so the forward pass runs each node on detached copies of its inputs
 * inside one gradient collector. The backward walk then takes, node by node, the exact
 * vector-Jacobian product: in closed form where the node's kind has one ({@link dev.gbp.model.NodeKind#backward}:
 * stride-1 convolutions, BatchNorm, linear, add, concat, pad, flatten, dropout, identity), otherwise
 * from the node's own small autograd graph seeded with its signal (max-pool with PyTorch's
 * first-maximum routing, average pooling, strided or grouped convolutions, global pooling). Where a
 * node feeds several consumers their signals are summed; each node's arrays are released once the
 * walk has passed it. A BatchNorm that alone reads a stride-1 convolution is folded into it: both
 * backward steps in one convolution. At rectifier call sites the rule replaces autograd, computed
 * from the stored output. Rules are keyed by node (the call site), not by block instance.
 */
public final class LayerwiseBackprop implements Attribution {
    private final Network net;
    private final ReluRule rule;
    private final boolean crop;

    /**
     * The method that applies {@code rule} at every rectifier of {@code net}; freezes its parameters.
     *
     * @param net the network to explain
     * @param rule what a ReLU call site hands down: {@link ReluRule#GUIDED} for guided backpropagation
     */
    public LayerwiseBackprop(Network net, ReluRule rule) {
        this(net, rule, true);
    }

    /**
     * @param crop whether neuron targets walk only their neurons' cones ({@link Cone}); false walks
     *     the whole maps (the same result, slower)
     */
    LayerwiseBackprop(Network net, ReluRule rule, boolean crop) {
        this.net = net;
        this.rule = rule;
        this.crop = crop;
        net.freeze(true); // only the input path is differentiated; parameters never collect gradients
    }

    /**
     * The same method walking whole maps for every target (the same maps, for comparisons and benchmarks).
     *
     * @return a new attribution over the same network and rule
     */
    public LayerwiseBackprop fullWalk() {
        return new LayerwiseBackprop(net, rule, false);
    }

    /**
     * The input pixels (padding included) of each image's crop when {@code target} on {@code input}
     * walks its neurons' cones, or -1 when it walks whole maps (a class target, a cone no crop
     * reproduces exactly, or one no smaller than the image).
     *
     * @param input a batch of preprocessed images
     * @param target the target to walk
     * @return the crop's area in input pixels, or -1
     */
    public long coneArea(NDArray input, Target target) {
        if (!crop || !target.isNeuronTarget()) {
            return -1;
        }
        try (NDScope scope = new NDScope()) {
            int seeded = target.layer(net.spec());
            Selection sel = Selection.resolve(net, target, seeded, net.forwardTo(input, seeded),
                    (int) input.getShape().get(0));
            Cone cone = Cone.of(net.spec(), seeded, sel.choices);
            return cone == null ? -1 : cone.inputCropArea();
        }
    }

    /**
     * The rule applied at rectifiers.
     *
     * @return the rule
     */
    public ReluRule rule() {
        return rule;
    }

    /**
     * The network explained.
     *
     * @return the network
     */
    public Network network() {
        return net;
    }

    @Override
    public String name() {
        return rule.id();
    }

    @Override
    public AttributionResult attribute(NDArray input, Target target) {
        try (NDScope scope = new NDScope()) {
            Pass p = pass(input, target, ModelSpec.GRAPH_INPUT);
            return p.result(rule.id(), target, input);
        }
    }

    /**
     * As {@link Attribution#attributeWithPredictions}; a neuron target whose cones are cropped chooses its neurons
     * from the same forward pass that predicts (the whole network instead of the layers up to the target's node).
     */
    @Override
    public AttributionResult attributeWithPredictions(NDArray input, Target target, Network network) {
        if (network != net || !cropsFirst(target, ModelSpec.GRAPH_INPUT)) {
            return Attribution.super.attributeWithPredictions(input, target, network);
        }
        try (NDScope scope = new NDScope()) {
            Classifier.Predictions[] predictions = new Classifier.Predictions[1];
            Pass p = pass(input, target, ModelSpec.GRAPH_INPUT, predictions);
            Classifier.Predictions c = predictions[0];
            return p.result(rule.id(), target, input)
                    .withPredictions(c.classes(), c.probabilities());
        }
    }

    /** Whether a walk down to node {@code below} runs the choosing forward pass first (and may crop). */
    private boolean cropsFirst(Target target, int below) {
        return crop && below == ModelSpec.GRAPH_INPUT && target.isNeuronTarget() && mayCrop(target.layer(net.spec()));
    }

    /** Per target node, whether a centre neuron's cone can be cropped (else the choosing forward pass is skipped). */
    private final java.util.Map<Integer, Boolean> mayCrop = new java.util.HashMap<>();

    /**
     * Whether node {@code seeded}'s cones can be worth cropping at all, judged on its centre neuron: a cone no crop
     * reproduces, or one too large to pay, is so for every neuron, and the walk then needs no separate forward pass
     * to choose the neurons first.
     */
    private boolean mayCrop(int seeded) {
        return mayCrop.computeIfAbsent(seeded, k -> {
            long[] s = net.spec().outputShape(k);
            if (s.length != 3) {
                return false;
            }
            NeuronChoice centre = new NeuronChoice(k, 0, (int) s[1] / 2, (int) s[2] / 2, 0f, 0f);
            return Cone.of(net.spec(), k, new NeuronChoice[] {centre}) != null;
        });
    }

    /**
     * Runs the forward pass up to the target's node and the backward walk down to the output of node
     * {@code below} ({@link ModelSpec#GRAPH_INPUT}: the network's input), whose signal it returns. Call
     * inside an NDScope: the arrays of the returned pass belong to it.
     *
     * <p>A neuron target walked down to the input runs the plain inference forward pass to its node,
     * which chooses the neurons, and then walks only their cones ({@link Cone}) where that is exact and
     * smaller, pasting the result into full-size maps.
     */
    Pass pass(NDArray input, Target target, int below) {
        return pass(input, target, below, null);
    }

    /**
     * As {@link #pass(NDArray, Target, int)}; when {@code predictions} is given and the neurons are chosen by a
     * forward pass of their own, that pass runs the whole network and leaves its predictions in {@code predictions[0]}.
     */
    private Pass pass(NDArray input, Target target, int below, Classifier.Predictions[] predictions) {
        ModelSpec spec = net.spec();
        int seeded = target.layer(spec);
        if (below < ModelSpec.GRAPH_INPUT || below > seeded) {
            throw new IllegalArgumentException("cannot stop the backward pass at node " + below
                    + ": the target is at node " + seeded);
        }
        boolean[] walk = spec.between(below, seeded);
        if (below >= 0 && !walk[below]) {
            throw new IllegalArgumentException(Target.layerLabel(spec, below) + " does not feed "
                    + Target.layerLabel(spec, seeded));
        }
        if (cropsFirst(target, below)) {
            int n = (int) input.getShape().get(0);
            NDArray[] acts;
            if (predictions != null) {
                acts = net.forwardEach(input, net.size() - 1);
                predictions[0] = Classifier.ofLogits(acts[net.size() - 1]);
                if (acts[seeded] == null) {
                    acts = net.forwardEach(input, seeded); // a node the logits do not depend on
                }
            } else {
                acts = net.forwardEach(input, seeded);
            }
            Selection sel = Selection.resolve(net, target, seeded, acts[seeded], n);
            Cone cone = Cone.of(spec, seeded, sel.choices);
            if (cone != null) {
                NDArray seed = cone.cropSeed(sel, (int) spec.outputShape(seeded)[0], input.getManager());
                Pass p = walk(input, target, seeded, below, walk, cone, seed, acts);
                float[] maps = cone.paste(p.signal, input.getShape().getShape());
                p.signal.close();
                return new Pass(null, maps, null, sel, p.applied, p.onPath);
            }
        }
        return walk(input, target, seeded, below, walk, null, null, null);
    }

    /**
     * The forward pass and the backward walk of {@link #pass}, on whole maps ({@code cone} null: the
     * seed comes from the target's node) or on the crops of {@code cone} seeded with {@code seed}.
     *
     * <p>On crops nothing is recomputed that the choosing pass computed: {@code acts} holds every node's output on the
     * whole maps, and the walk cuts from it what the backward steps read. A rectifier's rule reads its output; a node
     * whose step autograd takes runs again on its cut inputs, for its small graph; a closed-form step reads only its
     * inputs' shapes ({@link dev.gbp.model.NodeKind#backward}), and nothing of it runs.
     */
    private Pass walk(NDArray batch, Target target, int seeded, int below, boolean[] walk, Cone cone, NDArray seed,
            NDArray[] acts) {
        ModelSpec spec = net.spec();
        int n = (int) batch.getShape().get(0);
        NDList[] ins = new NDList[seeded + 1];
        NDArray[] outs = new NDArray[seeded + 1];
        NDArray[] signals = new NDArray[seeded + 1];
        NDArray atInput = null;
        boolean[] folded = new boolean[seeded + 1];
        int applied = 0;
        int onPath = 0;
        Selection sel;
        boolean[] needed = spec.ancestors(seeded);
        NDArray[] cuts = new NDArray[seeded + 1]; // on crops: each node's output cut once, shared by its readers
        // Laid out as every convolution's output, so that the nodes before the first one match them (crops are cut
        // laid out so).
        NDArray input = cone == null && batch.getShape().dimension() == 4 ? ChannelsLast.of(batch) : batch;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (int i = 0; i <= seeded; i++) {
                if (!needed[i]) {
                    continue;
                }
                LayerSpec l = cone == null ? spec.layer(i) : cone.layer(i);
                boolean site = walk[i] && i > below && l.kind().isRectifier(); // a rule's call site on the path
                boolean autograd = walk[i] && i > below && !l.kind().isRectifier()
                        && !l.kind().hasClosedFormBackward(l);
                if (site) {
                    onPath++;
                }
                if (cone != null && !autograd) {
                    if (site) {
                        outs[i] = cut(cuts, cone, i, acts[i]);
                    }
                    continue;
                }
                NDList in = new NDList();
                NDList fed = in;
                int[] from = spec.inputsOf(i);
                for (int k = 0; k < from.length; k++) {
                    int j = from[k];
                    NDArray x = cone == null ? (j == ModelSpec.GRAPH_INPUT ? input : outs[j]).stopGradient()
                            : cropInput(cone, cuts, i, k, j == ModelSpec.GRAPH_INPUT ? input : acts[j]);
                    if (autograd) {
                        x.setRequiresGradient(true); // this node's backward step comes from its own autograd graph
                    }
                    in.add(x);
                }
                if (cone != null) {
                    fed = new NDList(in.size());
                    for (int k = 0; k < in.size(); k++) {
                        fed.add(cone.pad(i, k, in.get(k)));
                    }
                }
                ins[i] = in;
                outs[i] = l.kind().forward(l, net.layer(i), net.parameterStore(), fed, false);
                if (cone != null) {
                    outs[i] = cone.finite(i, outs[i]);
                }
            }
            if (cone == null) {
                sel = Selection.resolve(net, target, seeded, outs[seeded], n);
                signals[seeded] = sel.seed();
            } else {
                sel = null;
                signals[seeded] = seed;
            }
            // Each array is released as soon as the walk has used it: the engine then reuses that memory
            // for the next one instead of faulting in fresh pages.
            for (int i = seeded; i > below; i--) {
                NDArray g = signals[i];
                signals[i] = null;
                if (!walk[i] || folded[i] || g == null) {
                    release(g);
                    releaseNode(ins, outs, i, below);
                    continue;
                }
                if (g.getShape().dimension() == 4) {
                    // Laid out as the activations: a max-pool's backward step runs several times slower on mixed layouts.
                    NDArray laid = ChannelsLast.of(g);
                    g.close();
                    g = laid;
                }
                LayerSpec l = cone == null ? spec.layer(i) : cone.layer(i);
                int[] from = spec.inputsOf(i);
                int reader = i; // the node whose inputs receive next
                NDList next;
                if (l.kind().isRectifier()) {
                    next = new NDList(rule.applyConsuming(g, outs[i], l.kind()));
                    applied++;
                } else {
                    int conv = foldableConvolution(spec, i, below, walk);
                    LayerSpec lc = conv < 0 ? null : cone == null ? spec.layer(conv) : cone.layer(conv);
                    NDArray through = conv < 0 ? null : lc.kind().backwardThroughScale(lc,
                            net.layer(conv), g, l.kind().channelScale(l, net.layer(i)), net.cache(conv));
                    if (through != null) {
                        // BatchNorm whose scale is folded into the convolution below: both steps at once.
                        folded[conv] = true;
                        from = spec.inputsOf(conv);
                        reader = conv;
                        next = new NDList(through);
                    } else if (l.kind().hasClosedFormBackward(l)) {
                        next = l.kind().backward(l, net.layer(i), g, cone == null ? shapes(ins[i]) : cone.inputShapes(i),
                                net.cache(i));
                    } else {
                        SeededBackward.backward(gc, outs[i], g);
                        next = new NDList();
                        for (NDArray x : ins[i]) {
                            next.add(x.getGradient());
                        }
                    }
                }
                for (int k = 0; k < from.length; k++) {
                    NDArray s = next.get(k);
                    int j = from[k];
                    if (cone != null && (j == ModelSpec.GRAPH_INPUT || j >= below && walk[j])) {
                        s = cone.toInput(reader, k, s); // g itself when passed on unchanged: then closed here if replaced
                    }
                    if (j == ModelSpec.GRAPH_INPUT) {
                        atInput = accumulate(atInput, s, g);
                    } else if (j >= below && walk[j]) {
                        signals[j] = accumulate(signals[j], s, g);
                    } else {
                        release(s == g ? null : s);
                    }
                }
                if (!holds(next, g)) {
                    g.close();
                }
                releaseNode(ins, outs, i, below);
            }
        }
        if (applied != onPath) {
            throw new IllegalStateException("the " + rule + " rule reached " + applied + " of the " + onPath
                    + " rectifier call sites on the path: the backward pass is broken");
        }
        NDArray signal = below == ModelSpec.GRAPH_INPUT ? atInput : signals[below];
        if (signal == null) {
            signal = cone != null ? batch.getManager().zeros(cone.inputCropShape())
                    : (below == ModelSpec.GRAPH_INPUT ? input : outs[below]).zerosLike();
        }
        return new Pass(signal, below == ModelSpec.GRAPH_INPUT ? null : outs[below], sel, applied, onPath);
    }

    /**
     * Node {@code i}'s {@code k}-th input on crops, from that input on the whole maps, {@code full}: the producer's own
     * crop when node {@code i} reads it whole (a handle of its own on the same memory, for the node's graph), else cut.
     */
    private NDArray cropInput(Cone cone, NDArray[] cuts, int i, int k, NDArray full) {
        int j = net.spec().inputsOf(i)[k];
        if (j != ModelSpec.GRAPH_INPUT && cone.readsWholeCrop(i, k)) {
            return cut(cuts, cone, j, full).stopGradient();
        }
        return cone.read(i, k, full);
    }

    /** Node {@code j}'s crop of its output {@code full}, cut on first use and kept in {@code cuts}. */
    private static NDArray cut(NDArray[] cuts, Cone cone, int j, NDArray full) {
        if (cuts[j] == null) {
            cuts[j] = cone.crop(j, full);
        }
        return cuts[j];
    }

    /** The shapes of {@code list}'s arrays. */
    private static Shape[] shapes(NDList list) {
        Shape[] shapes = new Shape[list.size()];
        for (int k = 0; k < shapes.length; k++) {
            shapes[k] = list.get(k).getShape();
        }
        return shapes;
    }

    /** Whether {@code list} holds {@code a} itself (NDList.contains compares contents). */
    private static boolean holds(NDList list, NDArray a) {
        for (NDArray x : list) {
            if (x == a) {
                return true;
            }
        }
        return false;
    }

    /** Sums a signal into a node's total; {@code s} may be the walk's {@code g}, which is then kept. */
    private static NDArray accumulate(NDArray total, NDArray s, NDArray g) {
        if (total == null) {
            return s;
        }
        NDArray sum = total.addi(s);
        if (s != g) {
            s.close();
        }
        return sum;
    }

    /**
     * The convolution whose backward step node {@code i}, a BatchNorm, can take with its own: the
     * BatchNorm's only input, read by nothing else, below which the walk continues. -1 when none.
     */
    private int foldableConvolution(ModelSpec spec, int i, int below, boolean[] walk) {
        LayerSpec l = spec.layer(i);
        if (!l.kind().isBatchNorm() || spec.outputShape(i).length != 3) {
            return -1;
        }
        int conv = spec.inputsOf(i)[0];
        if (conv <= below || !walk[conv] || spec.consumersOf(conv).length != 1) {
            return -1;
        }
        return conv;
    }

    /** Releases node {@code i}'s detached inputs and its output (unless the pass returns it). */
    private static void releaseNode(NDList[] ins, NDArray[] outs, int i, int below) {
        if (ins[i] != null) {
            for (NDArray x : ins[i]) {
                release(x);
            }
            ins[i] = null;
        }
        if (i != below && outs[i] != null) {
            release(outs[i]);
            outs[i] = null;
        }
    }

    /** Closes arrays the walk has finished with (an array the walk still returns is never among them). */
    private static void release(NDArray a) {
        if (a != null && !a.isReleased()) {
            a.close();
        }
    }

    /** What one forward-and-backward pass left behind. */
    static final class Pass {
        /**
         * The back-propagated signal at the output of the node the walk stopped at (or at the network's input), in the
         * engine; null when the walk pasted its crops into {@link #pasted} instead.
         */
        final NDArray signal;
        /** The same signal as Java values, when a cone walk pasted it into full-size maps; else null. */
        private final float[] pasted;
        /** The output of the node the walk stopped at (null when it ran to the network's input). */
        final NDArray activationBelow;
        final Selection selection;
        final int applied;
        final int onPath;

        Pass(NDArray signal, NDArray activationBelow, Selection selection, int applied, int onPath) {
            this(signal, null, activationBelow, selection, applied, onPath);
        }

        private Pass(NDArray signal, float[] pasted, NDArray activationBelow, Selection selection, int applied,
                int onPath) {
            this.signal = signal;
            this.pasted = pasted;
            this.activationBelow = activationBelow;
            this.selection = selection;
            this.applied = applied;
            this.onPath = onPath;
        }

        /** The signal's values in row-major order (copied out of the engine unless the walk pasted them in Java). */
        float[] values() {
            return pasted != null ? pasted : HostCopy.floats(signal);
        }

        AttributionResult result(String method, Target target, NDArray input) {
            return new AttributionResult(method, target, values(), input.getShape().getShape(), selection.choices,
                    selection.predicted, selection.probability, applied, onPath);
        }

        /** The target's scalar per image: the chosen neuron's value or the chosen logit. */
        float[] targetValues() {
            float[] v = new float[selection.choices.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = selection.choices[i].activation();
            }
            return v;
        }
    }
}
