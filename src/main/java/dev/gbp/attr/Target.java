package dev.gbp.attr;

import dev.gbp.GbpInputException;
import dev.gbp.model.ReceptiveField;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelException;
import dev.gbp.model.ModelSpec;
import java.util.Locale;

/**
 * What to explain, chosen per image within a batch. Neuron targets back-propagate from one neuron of
 * a layer's output (every other neuron of the layer set to zero), seeded with that neuron's
 * activation; class targets from one pre-softmax logit, seeded with 1.
 */
public sealed interface Target {
    /**
     * The spec string, as given on the command line.
     *
     * @return e.g. {@code max-neuron:conv3_relu}
     */
    String spec();

    /**
     * Index of the layer whose output is seeded, checked against {@code model}.
     *
     * @param model the network's spec
     * @return the node's index
     */
    int layer(ModelSpec model);

    /**
     * The user's target: the neuron (c, y, x) with the largest activation of the layer; ties go to the
     * first in c, y, x order. An {@code interior} target takes candidates only at positions whose
     * receptive field lies at least half inside the image ({@link ReceptiveField#interior}), so that a
     * border neuron that mostly sees the zero padding is not chosen.
     */
    record MaxNeuron(String layerRef, boolean interior) implements Target {
        /**
         * The most active neuron among all positions of the layer.
         *
         * @param layerRef the layer's name or 0-based index
         */
        public MaxNeuron(String layerRef) {
            this(layerRef, false);
        }

        @Override
        public String spec() {
            return (interior ? "max-interior-neuron:" : "max-neuron:") + layerRef;
        }

        @Override
        public int layer(ModelSpec model) {
            int l = model.resolveLayer(layerRef);
            if (interior) {
                boolean any = false;
                for (boolean b : ReceptiveField.interior(model, l)) {
                    any |= b;
                }
                if (!any) {
                    throw new GbpInputException("no position of layer " + GbpInputException.quote(layerRef) + " has at least"
                            + " half of its receptive field inside the image, so it has no interior neuron");
                }
            }
            return l;
        }

        /**
         * The same target restricted to interior positions.
         *
         * @return an interior target of the same layer
         */
        public MaxNeuron toInterior() {
            return new MaxNeuron(layerRef, true);
        }
    }

    /** A fixed neuron (c, y, x) of a layer. */
    record Neuron(String layerRef, int c, int y, int x) implements Target {
        @Override
        public String spec() {
            return "neuron:" + layerRef + ":" + c + "," + y + "," + x;
        }

        @Override
        public int layer(ModelSpec model) {
            int l = model.resolveLayer(layerRef);
            long[] s = model.outputShape(l);
            long cs = s[0];
            long hs = s.length == 3 ? s[1] : 1;
            long ws = s.length == 3 ? s[2] : 1;
            if (c < 0 || c >= cs || y < 0 || y >= hs || x < 0 || x >= ws) {
                throw new GbpInputException("neuron (" + c + ", " + y + ", " + x + ") is outside layer "
                        + GbpInputException.quote(layerRef) + ", whose output is " + shapeText(s) + " (c in 0.." + (cs - 1) + ", y in 0.." + (hs - 1)
                        + ", x in 0.." + (ws - 1) + ")");
            }
            return l;
        }
    }

    /** The largest activation inside channel {@code c} of a layer. */
    record ChannelMax(String layerRef, int c) implements Target {
        @Override
        public String spec() {
            return "channel-max:" + layerRef + ":" + c;
        }

        @Override
        public int layer(ModelSpec model) {
            int l = model.resolveLayer(layerRef);
            long[] s = model.outputShape(l);
            if (c < 0 || c >= s[0]) {
                throw new GbpInputException("channel " + c + " is outside layer " + GbpInputException.quote(layerRef) + ", which has "
                        + s[0] + " channels (0.." + (s[0] - 1) + ")");
            }
            return l;
        }
    }

    /** The logit of class {@code k}. */
    record ClassLogit(int k) implements Target {
        @Override
        public String spec() {
            return "class:" + k;
        }

        @Override
        public int layer(ModelSpec model) {
            if (k < 0 || k >= model.classes().size()) {
                throw new GbpInputException("class " + k + " is outside 0.." + (model.classes().size() - 1));
            }
            return model.layers().size() - 1;
        }
    }

    /** The logit of the class the network predicts for each image. */
    record Predicted() implements Target {
        @Override
        public String spec() {
            return "predicted";
        }

        @Override
        public int layer(ModelSpec model) {
            return model.layers().size() - 1;
        }
    }

    /**
     * Neurons fixed in advance, one per batch row: {@code flatIndex} is c*H*W + y*W + x in the layer's
     * output (or the class index for logits). Used to explain noisy or interpolated copies of an image by
     * the neuron chosen on the image itself. {@code unitSeed} seeds with 1 (a pure gradient) instead of
     * the neuron's value.
     */
    record Fixed(String spec, int layerIndex, int[] flatIndex, boolean unitSeed, boolean neuron) implements Target {
        @Override
        public int layer(ModelSpec model) {
            return layerIndex;
        }

        @Override
        public boolean isNeuronTarget() {
            return neuron;
        }

        /**
         * The rows {@code from..to} of this target (for one batch of a larger run).
         *
         * @param from the first row
         * @param to the row after the last
         * @return the target of those rows
         */
        public Fixed slice(int from, int to) {
            return new Fixed(spec, layerIndex, java.util.Arrays.copyOfRange(flatIndex, from, to), unitSeed, neuron);
        }

        /**
         * The neurons {@code choices} resolved for {@code target}, each repeated {@code repeat} times
         * (consecutive rows), seeded with 1.
         *
         * @param target the target the neurons were resolved for
         * @param choices one resolved neuron (or logit) per image
         * @param model the network's spec
         * @param repeat rows per image, at least 1
         * @return the fixed target, {@code choices.length * repeat} rows
         */
        public static Fixed repeat(Target target, NeuronChoice[] choices, ModelSpec model, int repeat) {
            int layer = target.layer(model);
            long[] dims = model.outputShape(layer);
            int h = dims.length == 3 ? (int) dims[1] : 1;
            int w = dims.length == 3 ? (int) dims[2] : 1;
            int[] flat = new int[choices.length * repeat];
            for (int i = 0; i < choices.length; i++) {
                for (int r = 0; r < repeat; r++) {
                    flat[i * repeat + r] = choices[i].flatIndex(h, w);
                }
            }
            return new Fixed(target.spec(), layer, flat, true, target.isNeuronTarget());
        }
    }

    /**
     * The most active neuron of a layer, per image ({@code max-neuron:<layer>}).
     *
     * @param layer the layer's name or 0-based index
     * @return the target
     */
    static MaxNeuron maxNeuron(String layer) {
        return new MaxNeuron(layer);
    }

    /**
     * The most active neuron of a layer among those whose receptive field lies at least half inside the image
     * ({@code max-interior-neuron:<layer>}).
     *
     * @param layer the layer's name or 0-based index
     * @return the target
     */
    static MaxNeuron maxInteriorNeuron(String layer) {
        return new MaxNeuron(layer, true);
    }

    /**
     * One neuron of a layer ({@code neuron:<layer>:<c>,<y>,<x>}); for a flat layer y and x are 0.
     *
     * @param layer the layer's name or 0-based index
     * @param c the channel (or feature of a flat layer)
     * @param y the row in the layer's output
     * @param x the column in the layer's output
     * @return the target
     */
    static Neuron neuron(String layer, int c, int y, int x) {
        return new Neuron(layer, c, y, x);
    }

    /**
     * The most active neuron of one channel of a layer, per image ({@code channel-max:<layer>:<c>}).
     *
     * @param layer the layer's name or 0-based index
     * @param c the channel
     * @return the target
     */
    static ChannelMax channelMax(String layer, int c) {
        return new ChannelMax(layer, c);
    }

    /**
     * The pre-softmax logit of class {@code k} ({@code class:<k>}).
     *
     * @param k the class index
     * @return the target
     */
    static ClassLogit classLogit(int k) {
        return new ClassLogit(k);
    }

    /**
     * The logit of the class the network predicts for each image ({@code predicted}).
     *
     * @return the target
     */
    static Predicted predicted() {
        return new Predicted();
    }

    /**
     * Parses a target spec: {@code max-neuron:<layer>}, {@code max-interior-neuron:<layer>}, {@code neuron:<layer>:<c>,<y>,<x>},
     * {@code channel-max:<layer>:<c>}, {@code class:<k or name>}, {@code predicted}. The layer is a
     * name or a 0-based index; it is checked against {@code model}.
     *
     * @param spec the target as the command line takes it
     * @param model the network's spec, against which the layer, position and class are checked
     * @return the target
     * @throws GbpInputException for the parameter {@code target}, quoting the spec, for any string that is not a target
     *     of this model
     */
    static Target parse(String spec, ModelSpec model) {
        String s = spec.trim();
        int colon = s.indexOf(':');
        String kind = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        // Node names may hold ':' themselves, so a position is split off the right end.
        String rest = colon < 0 ? null : s.substring(colon + 1);
        Target t;
        try {
            switch (kind) {
                case "max-neuron":
                    t = maxNeuron(layerPart(rest, "max-neuron:<layer>"));
                    break;
                case "max-interior-neuron":
                    t = maxInteriorNeuron(layerPart(rest, "max-interior-neuron:<layer>"));
                    break;
                case "neuron": {
                    String[] lp = splitRight(rest, "neuron:<layer>:<c>,<y>,<x>");
                    String[] cyx = lp[1].split(",", -1);
                    if (cyx.length != 3) {
                        throw new GbpInputException("the neuron's position must be <c>,<y>,<x>, got " + GbpInputException.quote(lp[1]));
                    }
                    t = neuron(lp[0], integer(cyx[0], "c"), integer(cyx[1], "y"), integer(cyx[2], "x"));
                    break;
                }
                case "channel-max": {
                    String[] lp = splitRight(rest, "channel-max:<layer>:<c>");
                    t = channelMax(lp[0], integer(lp[1], "channel"));
                    break;
                }
                case "class": {
                    String v = layerPart(rest, "class:<k or name>").trim();
                    int k = model.classes().indexOf(v);
                    if (k < 0) {
                        if (!v.matches("-?\\d+")) {
                            throw new GbpInputException("unknown class " + GbpInputException.quote(v) + " (classes: "
                                    + classList(model) + ", or an index 0.." + (model.classes().size() - 1) + ")");
                        }
                        k = integer(v, "class");
                    }
                    t = classLogit(k);
                    break;
                }
                case "predicted":
                    if (rest != null) {
                        throw new GbpInputException("'predicted' takes nothing after it");
                    }
                    t = predicted();
                    break;
                default:
                    throw new GbpInputException("unknown kind of target" + FORMS);
            }
            t.layer(model); // validates the layer and the position
        } catch (GbpInputException e) {
            throw GbpInputException.parameter("target", GbpInputException.quote(s) + ": " + e.getMessage());
        }
        return t;
    }

    /** The forms a target spec can take, for messages. */
    String FORMS = " (targets: max-neuron:<layer>, max-interior-neuron:<layer>, neuron:<layer>:<c>,<y>,<x>, channel-max:<layer>:<c>,"
            + " class:<k or name>, predicted; <layer> is a name or 0-based index)";

    /** The model's class names for a message, the first 20 when there are more. */
    private static String classList(ModelSpec model) {
        java.util.List<String> c = model.classes();
        return c.size() <= 20 ? String.join(", ", c) : String.join(", ", c.subList(0, 20)) + ", ... (" + c.size() + " in all)";
    }

    /** The part after the kind: a layer (which may hold ':'), or a class. */
    private static String layerPart(String rest, String form) {
        if (rest == null || rest.isBlank()) {
            throw new GbpInputException("a target of this kind looks like " + form);
        }
        return rest;
    }

    /** {layer, position}: the layer may hold ':', so the position is what follows the last one. */
    private static String[] splitRight(String rest, String form) {
        int at = rest == null ? -1 : rest.lastIndexOf(':');
        if (at <= 0 || rest.substring(0, at).isBlank()) {
            throw new GbpInputException("a target of this kind looks like " + form);
        }
        return new String[] {rest.substring(0, at), rest.substring(at + 1)};
    }

    private static int integer(String s, String what) {
        String t = s.trim();
        if (t.matches("-?\\d{1,10}")) {
            long v = Long.parseLong(t);
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                return (int) v;
            }
        }
        throw new GbpInputException(what + " must be an integer, got " + GbpInputException.quote(s));
    }

    /**
     * Whether the seeded layer is inside the network (neuron, channel) rather than its logits.
     *
     * @return true for neuron and channel targets, false for class targets
     */
    default boolean isNeuronTarget() {
        return this instanceof MaxNeuron || this instanceof Neuron || this instanceof ChannelMax;
    }

    /**
     * Names the layer for outputs: its name, or its type and index.
     *
     * @param model the network's spec
     * @param index the node's index
     * @return e.g. {@code conv3_relu}, or {@code relu#7} for an unnamed node
     */
    static String layerLabel(ModelSpec model, int index) {
        LayerSpec l = model.layer(index);
        return l.name() != null ? l.name() : l.type().json() + "#" + index;
    }

    private static String shapeText(long[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : " x ").append(s[i]);
        }
        return b.toString();
    }
}
