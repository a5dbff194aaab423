package dev.gbp.explore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.gbp.GbpInputException;
import dev.gbp.attr.Attribution;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.Methods;
import dev.gbp.attr.NeuronChoice;
import dev.gbp.model.ReceptiveField;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.metrics.Stats;
import dev.gbp.model.Classifier;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.ModelException;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import dev.gbp.render.Normalization;
import dev.gbp.render.Pictures;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the interactive explorer computes, apart from HTTP: one image, one method, one target at a time,
 * plus a layer's activations to pick a neuron from. Every call is serialised (the engine allows one
 * gradient collector per process) and recent answers are cached, so stepping back is instant.
 */
public final class Explorer {
    /** Pixels on the longer side of the pictures the page shows, at most (images larger than this are shown at their size). */
    public static final int VIEW = 256;
    /** The method of a request that names none. */
    public static final String DEFAULT_METHOD = "guided";
    private static final int CACHE = 256;

    private final Network net;
    private final CifarImages images;
    private final List<String> sources;
    private final Methods.Options options;
    private final String defaultLayer;
    private final AtlasView atlas;
    private final Map<String, Attribution> methods = new HashMap<>();
    private final Map<Explanation.Request, Explanation> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Explanation.Request, Explanation> eldest) {
            return size() > CACHE;
        }
    };

    /**
     * @param sources a short name per image (file and record), shown beside it
     * @throws GbpInputException when there are no images
     */
    public Explorer(Network net, CifarImages images, List<String> sources, Methods.Options options) {
        this(net, images, sources, options, null);
    }

    /**
     * An explorer that also shows a neuron atlas of the model: each channel's top images in a data set. The page
     * starts on the atlas's layer.
     *
     * @param atlas the atlas, read for {@code net}'s model, or null
     * @throws GbpInputException when there are no images
     */
    public Explorer(Network net, CifarImages images, List<String> sources, Methods.Options options, AtlasView atlas) {
        if (images.size() == 0) {
            throw GbpInputException.parameter("images", "holds no images; the explorer needs at least one");
        }
        this.net = net;
        this.images = images;
        this.sources = List.copyOf(sources);
        this.options = options;
        this.atlas = atlas;
        this.defaultLayer = atlas != null ? atlas.summary().layer() : seedLayerRef(net.spec());
    }

    /**
     * The atlas the explorer shows.
     *
     * @return it
     * @throws GbpInputException when the explorer was started without one
     */
    public AtlasView atlas() {
        if (atlas == null) {
            throw new GbpInputException("no atlas here: start the explorer with --atlas DIR (a folder gbp atlas wrote)");
        }
        return atlas;
    }

    private static String seedLayerRef(ModelSpec spec) {
        try {
            return spec.seedLayerRef();
        } catch (ModelException e) {
            return null; // a network without a ReLU after a convolution has no seed layer
        }
    }

    /**
     * The layer the page starts on and that a request without a target explains: the model's seed layer
     * ({@link ModelSpec#seedLayerRef()}, the ReLU after the third convolution), or null when it has none.
     */
    public String defaultLayer() {
        return defaultLayer;
    }

    /**
     * The target of a request that names none: the most active neuron of the {@linkplain #defaultLayer() seed layer}.
     *
     * @throws GbpInputException when the model has no seed layer
     */
    public String defaultTarget() {
        if (defaultLayer == null) {
            throw new GbpInputException("parameter 'target' is missing, and the model has no ReLU after a convolution"
                    + " to default to: give a target (e.g. target=predicted)");
        }
        return "max-neuron:" + defaultLayer;
    }

    /** The model's layers and classes, the images, and the choices the page offers. */
    public ModelInfo info() {
        ModelSpec spec = net.spec();
        List<ModelInfo.Layer> layers = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec l = spec.layer(i);
            layers.add(new ModelInfo.Layer(i, l.name(), l.type().toString().toLowerCase(java.util.Locale.ROOT),
                    spec.outputShape(i)));
        }
        List<ModelInfo.Image> list = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            list.add(new ModelInfo.Image(i, sources.get(i), images.label(i)));
        }
        List<String> norms = new ArrayList<>();
        for (Normalization n : Normalization.values()) {
            norms.add(n.id());
        }
        return new ModelInfo(spec.input(), imageScale(), spec.classes(), layers, list, Methods.NAMES, norms, DEFAULT_METHOD, defaultLayer,
                atlas == null ? null : atlas.summary());
    }

    /**
     * The upscaling of the page's image and map: {@link #VIEW} pixels on the longer side for small images (8 for
     * CIFAR's 32 x 32), 1 for images of {@link #VIEW} / 2 pixels or more (224 x 224 is drawn at 224 x 224).
     */
    public int imageScale() {
        return Pictures.scaleFor(images.height(), images.width(), VIEW);
    }

    /**
     * Image {@code i} as a PNG, upscaled {@code scale} times (1..8) by nearest neighbour.
     *
     * @throws GbpInputException when there is no image {@code i} or {@code scale} is out of range
     */
    public synchronized byte[] imagePng(int i, int scale) {
        checkImage(i);
        if (scale < 1 || scale > 8) {
            throw new GbpInputException("scale must be 1..8, got " + scale);
        }
        return Pictures.pngBytes(Pictures.image(images, i, scale));
    }

    /**
     * The map of one method and target for one image, with what the target resolved to.
     *
     * @throws GbpInputException when the image, normalisation, target or method is not one this explorer has, or the
     *     map is not finite ({@link AttributionResult#requireFinite()})
     */
    public synchronized Explanation explain(Explanation.Request r) {
        checkImage(r.image());
        Explanation cached = cache.get(r);
        if (cached != null) {
            return cached;
        }
        Normalization norm = Normalization.parse(r.normalize());
        Target target = Target.parse(r.target(), net.spec());
        Attribution method = methods.computeIfAbsent(r.method(), name -> Methods.create(name, net, options));
        long t0 = System.nanoTime();
        AttributionResult result;
        Classifier.Predictions predictions;
        try (NDScope scope = new NDScope()) {
            NDArray x = net.preprocess(net.manager(), images, r.image(), r.image() + 1);
            result = method.attribute(x, target).requireFinite();
            predictions = Classifier.predict(net, x);
        }
        double millis = (System.nanoTime() - t0) / 1e6;
        ModelSpec spec = net.spec();
        NeuronChoice choice = result.choice(0);
        boolean spatial = spec.outputShape(choice.layer()).length == 3;
        int[] field = ReceptiveField.of(spec, choice.layer(), choice.y(), choice.x());
        int[] in = spec.input();
        BufferedImage map = Pictures.map(result.map(0), in[0], in[1], in[2], norm, imageScale());
        List<Explanation.ClassScore> top = new ArrayList<>();
        for (int c = 0; c < spec.classes().size(); c++) {
            top.add(new Explanation.ClassScore(c, spec.classes().get(c), predictions.probability(0, c)));
        }
        top.sort((a, b) -> Float.compare(b.probability(), a.probability()));
        int predicted = predictions.predicted(0);
        Explanation e = new Explanation(r, result.method(), target.spec(), choice.layer(), spec.layer(choice.layer()).name(),
                spatial, choice.c(), choice.y(), choice.x(), choice.activation(), choice.gap(), choice.isZero(), result.flatMaps() == 1, field,
                images.label(r.image()), predicted, predictions.probability(0, predicted), top.subList(0, Math.min(5, top.size())),
                "data:image/png;base64," + Base64.getEncoder().encodeToString(Pictures.pngBytes(map)), norm.description(), millis);
        cache.put(r, e);
        return e;
    }

    /**
     * Layer {@code layerRef}'s output for image {@code i}: each channel's maximum and where it is.
     *
     * @throws GbpInputException when there is no such image or layer
     */
    public synchronized LayerActivations activations(int i, String layerRef) {
        checkImage(i);
        int layer = net.spec().resolveLayer(layerRef);
        float[] out = layerOutput(i, layer);
        long[] shape = net.spec().outputShape(layer);
        int channels = (int) shape[0];
        int plane = shape.length == 3 ? (int) (shape[1] * shape[2]) : 1;
        int width = shape.length == 3 ? (int) shape[2] : 1;
        List<LayerActivations.Channel> list = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            int best = Stats.argMax(out, c * plane, (c + 1) * plane);
            int rem = best - c * plane;
            list.add(new LayerActivations.Channel(c, out[best], rem / width, rem % width));
        }
        return new LayerActivations(i, layer, net.spec().layer(layer).name(), shape, list);
    }

    /**
     * Channel {@code c} of layer {@code layerRef}'s output for image {@code i} as a grey PNG, black at
     * 0 (or the channel's minimum when that is negative) and white at the channel's maximum.
     *
     * @throws GbpInputException when there is no such image, layer or channel, or the layer's output is flat
     */
    public synchronized byte[] featureMapPng(int i, String layerRef, int c) {
        checkImage(i);
        int layer = net.spec().resolveLayer(layerRef);
        long[] shape = net.spec().outputShape(layer);
        if (shape.length != 3) {
            throw new GbpInputException("layer '" + net.spec().layer(layer).name() + "' has no feature maps (its output is flat)");
        }
        if (c < 0 || c >= shape[0]) {
            throw new GbpInputException("channel " + c + " is outside 0.." + (shape[0] - 1) + " of layer '"
                    + net.spec().layer(layer).name() + "'");
        }
        int h = (int) shape[1];
        int w = (int) shape[2];
        return Pictures.pngBytes(Pictures.featureMap(layerOutput(i, layer), c * h * w, h, w, Math.max(1, VIEW / Math.max(h, w))));
    }

    private float[] layerOutput(int i, int layer) {
        try (NDScope scope = new NDScope()) {
            return net.forwardTo(net.preprocess(net.manager(), images, i, i + 1), layer).toFloatArray();
        }
    }

    private void checkImage(int i) {
        if (i < 0 || i >= images.size()) {
            throw new GbpInputException("image " + i + " is outside 0.." + (images.size() - 1));
        }
    }
}
