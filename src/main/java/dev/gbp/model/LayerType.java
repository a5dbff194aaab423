package dev.gbp.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The node kinds of the bundle formats, each bound to the {@link NodeKind} that implements it. Kinds
 * marked {@code graphOnly} exist only in {@code gbp-model/2}.
 */
public enum LayerType {
    /** A 2-D convolution ({@code conv2d}). */
    CONV2D("conv2d", new Kinds.Conv2d(), false),
    /** A fully connected layer ({@code linear}). */
    LINEAR("linear", new Kinds.Linear(), false),
    /** A ReLU ({@code relu}). */
    RELU("relu", new Kinds.Relu(), false),
    /** A ReLU6 ({@code relu6}, format 2). */
    RELU6("relu6", new Kinds.Relu6(), true),
    /** A max-pool ({@code maxpool2d}). */
    MAXPOOL2D("maxpool2d", new Kinds.Pool(true), false),
    /** An average pool ({@code avgpool2d}). */
    AVGPOOL2D("avgpool2d", new Kinds.Pool(false), false),
    /** Each channel's mean ({@code global_avgpool}). */
    GLOBAL_AVGPOOL("global_avgpool", new Kinds.GlobalAvgPool(), false),
    /** Flattening to N x F ({@code flatten}). */
    FLATTEN("flatten", new Kinds.Flatten(), false),
    /** BatchNorm over channels ({@code batchnorm2d}). */
    BATCHNORM2D("batchnorm2d", new Kinds.BatchNorm(true), false),
    /** BatchNorm over features ({@code batchnorm1d}). */
    BATCHNORM1D("batchnorm1d", new Kinds.BatchNorm(false), false),
    /** Dropout, the identity at inference ({@code dropout}). */
    DROPOUT("dropout", new Kinds.Dropout(), false),
    /** An element-wise sum of inputs ({@code add}, format 2). */
    ADD("add", new Kinds.Add(), true),
    /** Inputs stacked along the channels ({@code concat}, format 2). */
    CONCAT("concat", new Kinds.Concat(), true),
    /** Zero padding ({@code pad}, format 2). */
    PAD("pad", new Kinds.Pad(), true),
    /** The identity ({@code identity}, format 2). */
    IDENTITY("identity", new Kinds.Identity(), true);

    private final String json;
    private final NodeKind kind;
    private final boolean graphOnly;

    LayerType(String json, NodeKind kind, boolean graphOnly) {
        this.json = json;
        this.kind = kind;
        this.graphOnly = graphOnly;
    }

    /**
     * The name used in {@code model.json}.
     *
     * @return e.g. {@code conv2d}
     */
    public String json() {
        return json;
    }

    /**
     * What nodes of this type do.
     *
     * @return the kind
     */
    public NodeKind kind() {
        return kind;
    }

    /**
     * Whether only {@code gbp-model/2} has this type.
     *
     * @return true for graph-only types
     */
    public boolean graphOnly() {
        return graphOnly;
    }

    /**
     * Whether nodes of this type hold parameters (and so need a name).
     *
     * @return true for convolutions, linear layers and BatchNorm
     */
    public boolean hasParameters() {
        return kind.hasParameters();
    }

    /**
     * Whether this type is a BatchNorm.
     *
     * @return true for {@link #BATCHNORM2D} and {@link #BATCHNORM1D}
     */
    public boolean isBatchNorm() {
        return kind.isBatchNorm();
    }

    /**
     * The type {@code model.json} names {@code value}.
     *
     * @param value e.g. {@code conv2d}
     * @return the type, or null when there is none of that name
     */
    public static LayerType fromJson(String value) {
        for (LayerType t : values()) {
            if (t.json.equals(value)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Every type's name, for messages.
     *
     * @return the names, comma-separated
     */
    public static String known() {
        return Arrays.stream(values()).map(LayerType::json).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return json.toLowerCase(Locale.ROOT);
    }
}
