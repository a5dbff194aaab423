package dev.gbp.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Everything one kind of node does, in one place: its JSON fields, its output shape, its forward pass,
 * its exact backward step, its receptive field and whether sanity-check randomisation re-draws it.
 * The walk, the shape inference, the receptive field and the randomiser ask the kind; none of them
 * switches on the type. One implementation per {@link LayerType}.
 */
public interface NodeKind {
    /** Fields besides {@code type}, {@code name} and {@code inputs} that this kind accepts. */
    List<String> fields();

    /** Whether nodes of this kind carry arrays in {@code weights.npz} (and so need a name). */
    default boolean hasParameters() {
        return false;
    }

    /** The fewest inputs a node of this kind takes. */
    default int minInputs() {
        return 1;
    }

    /** The most inputs a node of this kind takes. */
    default int maxInputs() {
        return 1;
    }

    /** Reads this kind's fields of {@code node} into {@code b}; {@code where} names the node in messages. */
    default void parse(JsonNode node, LayerSpec.Builder b, String where) {}

    /** Writes this kind's fields of {@code l}. */
    default void write(LayerSpec l, ObjectNode o) {}

    /** Whether {@code l} needs the {@code gbp-model/2} format (a field or value format 1 cannot say). */
    default boolean needsGraphFormat(LayerSpec l) {
        return false;
    }

    /** The output shape (no batch axis) for the given input shapes, or a {@link ModelException} naming {@code where}. */
    long[] outputShape(LayerSpec l, List<long[]> inputs, String where);

    /** The DJL block holding this node's parameters, or null for a node without parameters. */
    default Block block(LayerSpec l) {
        return null;
    }

    /** Runs the node on a batch; {@code block} is {@link #block}'s result for this node (or null). */
    NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList inputs, boolean training);

    /** Whether {@link #backward} gives this node's step in closed form (else autograd takes it). */
    default boolean hasClosedFormBackward(LayerSpec l) {
        return false;
    }

    /**
     * The exact vector-Jacobian product: the signal at each input, given {@code g} at the output, or
     * null when this kind's step is taken from its own small autograd graph instead (pooling, strided
     * or grouped convolutions). {@code cache} holds arrays derived from the parameters, built once.
     */
    default NDList backward(LayerSpec l, Block block, NDArray g, NDList inputs, NodeCache cache) {
        return null;
    }

    /**
     * The signal at this node's input given {@code g} at the output of a per-channel {@code scale}
     * (an inference-mode BatchNorm) that alone reads it: both backward steps in one, or null when this
     * kind cannot fold the scale in.
     */
    default NDArray backwardThroughScale(LayerSpec l, Block block, NDArray g, NDArray scale, NodeCache cache) {
        return null;
    }

    /** For a per-channel scale in inference mode (BatchNorm), its factors (C); null for other kinds. */
    default NDArray channelScale(LayerSpec l, Block block) {
        return null;
    }

    /** Whether the node is a rectifier: a call site where a back-propagation rule replaces the gradient. */
    default boolean isRectifier() {
        return false;
    }

    /**
     * For a rectifier, its pass-through mask {@code [x in the open interval where the derivative is 1]}
     * computed from its output {@code y}, overwriting {@code y}.
     */
    default NDArray passMaskConsuming(NDArray y) {
        throw new UnsupportedOperationException("not a rectifier");
    }

    /** For a rectifier, the pass-through test on one float of its input. */
    default boolean passes(float x) {
        throw new UnsupportedOperationException("not a rectifier");
    }

    /**
     * The box of input positions that output box {@code {y0, y1, x0, x1}} (inclusive, may reach into
     * the padding) depends on, for a node whose input and output are C x H x W. Element-wise kinds keep
     * the box.
     */
    default long[] inputBox(LayerSpec l, long[] box) {
        return box;
    }

    /**
     * This node as it runs on a crop of its input whose positions outside the input map already hold
     * {@link #paddingValue}: the same node without padding, or null when no crop reproduces it exactly
     * (flat kinds; average pooling that leaves the padding out of its count or rounds up). Element-wise
     * kinds return {@code l} itself.
     */
    default LayerSpec unpadded(LayerSpec l) {
        return null;
    }

    /** The value this node reads outside its input map: 0, or -infinity for max pooling. */
    default float paddingValue(LayerSpec l) {
        return 0f;
    }

    /** Whether the node's output is flat while it mixes every input position (its field is the whole image). */
    default boolean mixesAllPositions(List<long[]> inputShapes) {
        return false;
    }

    /** Whether the node has weights that sanity-check randomisation re-draws (a conv or a linear layer). */
    default boolean isWeighted() {
        return false;
    }

    /** Whether the node is a BatchNorm (randomised with the weighted node that feeds it). */
    default boolean isBatchNorm() {
        return false;
    }
}
