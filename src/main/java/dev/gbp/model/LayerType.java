package dev.gbp.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The node kinds of the bundle formats, each bound to the {@link NodeKind} that implements it. Kinds
 * marked {@code graphOnly} exist only in {@code gbp-model/2}.
 */
public enum LayerType {
    CONV2D("conv2d", new Kinds.Conv2d(), false),
    LINEAR("linear", new Kinds.Linear(), false),
    RELU("relu", new Kinds.Relu(), false),
    RELU6("relu6", new Kinds.Relu6(), true),
    MAXPOOL2D("maxpool2d", new Kinds.Pool(true), false),
    AVGPOOL2D("avgpool2d", new Kinds.Pool(false), false),
    GLOBAL_AVGPOOL("global_avgpool", new Kinds.GlobalAvgPool(), false),
    FLATTEN("flatten", new Kinds.Flatten(), false),
    BATCHNORM2D("batchnorm2d", new Kinds.BatchNorm(true), false),
    BATCHNORM1D("batchnorm1d", new Kinds.BatchNorm(false), false),
    DROPOUT("dropout", new Kinds.Dropout(), false),
    ADD("add", new Kinds.Add(), true),
    CONCAT("concat", new Kinds.Concat(), true),
    PAD("pad", new Kinds.Pad(), true),
    IDENTITY("identity", new Kinds.Identity(), true);

    private final String json;
    private final NodeKind kind;
    private final boolean graphOnly;

    LayerType(String json, NodeKind kind, boolean graphOnly) {
        this.json = json;
        this.kind = kind;
        this.graphOnly = graphOnly;
    }

    /** The name used in {@code model.json}. */
    public String json() {
        return json;
    }

    /** What nodes of this type do. */
    public NodeKind kind() {
        return kind;
    }

    /** Whether only {@code gbp-model/2} has this type. */
    public boolean graphOnly() {
        return graphOnly;
    }

    public boolean hasParameters() {
        return kind.hasParameters();
    }

    public boolean isBatchNorm() {
        return kind.isBatchNorm();
    }

    public static LayerType fromJson(String value) {
        for (LayerType t : values()) {
            if (t.json.equals(value)) {
                return t;
            }
        }
        return null;
    }

    public static String known() {
        return Arrays.stream(values()).map(LayerType::json).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return json.toLowerCase(Locale.ROOT);
    }
}
