package dev.gbp.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The layer types of the {@code gbp-model/1} bundle format, with the JSON fields each accepts. */
public enum LayerType {
    CONV2D("conv2d", true, "in_channels", "out_channels", "kernel_size", "stride", "padding", "bias"),
    LINEAR("linear", true, "in_features", "out_features", "bias"),
    RELU("relu", false),
    MAXPOOL2D("maxpool2d", false, "kernel_size", "stride", "padding"),
    AVGPOOL2D("avgpool2d", false, "kernel_size", "stride"),
    GLOBAL_AVGPOOL("global_avgpool", false),
    FLATTEN("flatten", false),
    BATCHNORM2D("batchnorm2d", true, "num_features", "eps"),
    BATCHNORM1D("batchnorm1d", true, "num_features", "eps"),
    DROPOUT("dropout", false, "p");

    private final String json;
    private final boolean hasParameters;
    private final List<String> fields;

    LayerType(String json, boolean hasParameters, String... fields) {
        this.json = json;
        this.hasParameters = hasParameters;
        this.fields = List.of(fields);
    }

    /** The name used in {@code model.json}. */
    public String json() {
        return json;
    }

    /** Whether layers of this type carry arrays in {@code weights.npz} (and so need a name). */
    public boolean hasParameters() {
        return hasParameters;
    }

    /** Fields besides {@code type} and {@code name} that this type accepts. */
    public List<String> fields() {
        return fields;
    }

    public boolean isBatchNorm() {
        return this == BATCHNORM1D || this == BATCHNORM2D;
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
