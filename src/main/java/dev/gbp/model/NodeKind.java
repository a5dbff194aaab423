package dev.gbp.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Everything one kind of node does, in one place: its JSON fields, its output shape, its forward pass,
 * its exact backward step, its receptive field and whether sanity-check randomisation re-draws it.
 * The walk, the shape inference, the receptive field and the randomiser ask the kind; none of them
 * switches on the type. One implementation per {@link LayerType}.
 *
 * <p>Public because the attribution engine in {@link dev.gbp.attr} drives it; the implementations are internal
 * and users do not implement it ({@link #parse} takes a builder that is package-private).
 */
public interface NodeKind {
    /**
     * Fields besides {@code type}, {@code name} and {@code inputs} that this kind accepts.
     *
     * @return the field names, as {@code model.json} spells them
     */
    List<String> fields();

    /**
     * Whether nodes of this kind carry arrays in {@code weights.npz} (and so need a name).
     *
     * @return true for kinds with parameters
     */
    default boolean hasParameters() {
        return false;
    }

    /**
     * The shapes of the node's arrays in {@code weights.npz} by PyTorch's names ({@code weight}, {@code bias},
     * {@code running_mean}, {@code running_var}), from its fields alone; empty for a kind without parameters.
     *
     * @param l the node
     * @return the shapes by array name
     */
    default Map<String, long[]> parameterShapes(LayerSpec l) {
        return Map.of();
    }

    /**
     * The fewest inputs a node of this kind takes.
     *
     * @return the count
     */
    default int minInputs() {
        return 1;
    }

    /**
     * The most inputs a node of this kind takes.
     *
     * @return the count ({@code Integer.MAX_VALUE}: any number)
     */
    default int maxInputs() {
        return 1;
    }

    /**
     * Reads this kind's fields of {@code node} into {@code b}; {@code where} names the node in messages.
     *
     * @param node the node's JSON object
     * @param b the node being built
     * @param where the node, as messages name it
     * @throws ModelException naming {@code where} and the field when a field is malformed
     */
    default void parse(JsonNode node, LayerSpec.Builder b, String where) {}

    /**
     * Writes this kind's fields of {@code l}.
     *
     * @param l the node
     * @param o its JSON object, which receives the fields
     */
    default void write(LayerSpec l, ObjectNode o) {}

    /**
     * Whether {@code l} needs the {@code gbp-model/2} format (a field or value format 1 cannot say).
     *
     * @param l the node
     * @return true when only format 2 can say it
     */
    default boolean needsGraphFormat(LayerSpec l) {
        return false;
    }

    /**
     * The output shape (no batch axis) for the given input shapes, or a {@link ModelException} naming {@code where}.
     *
     * @param l the node
     * @param inputs the shapes of its inputs, without the batch axis
     * @param where the node, as messages name it
     * @return the output's shape, without the batch axis
     * @throws ModelException when the inputs do not fit the node
     */
    long[] outputShape(LayerSpec l, List<long[]> inputs, String where);

    /**
     * The DJL block holding this node's parameters, or null for a node without parameters.
     *
     * @param l the node
     * @return a new, uninitialised block, or null
     */
    default Block block(LayerSpec l) {
        return null;
    }

    /**
     * Runs the node on a batch; {@code block} is {@link #block}'s result for this node (or null).
     *
     * @param l the node
     * @param block its block, or null
     * @param ps the network's parameter store
     * @param inputs its inputs, with the batch axis
     * @param training true to run as in training (BatchNorm on batch statistics, dropout on)
     * @return the output
     */
    NDArray forward(LayerSpec l, Block block, ParameterStore ps, NDList inputs, boolean training);

    /**
     * Whether {@link #backward} gives this node's step in closed form (else autograd takes it).
     *
     * @param l the node
     * @return true when {@link #backward} answers for it
     */
    default boolean hasClosedFormBackward(LayerSpec l) {
        return false;
    }

    /**
     * The exact vector-Jacobian product: the signal at each input, given {@code g} at the output, or
     * null when this kind's step is taken from its own small autograd graph instead (pooling, strided
     * or grouped convolutions). {@code cache} holds arrays derived from the parameters, built once.
     * A closed-form step reads its inputs' shapes, never their values (a step that needs them is taken
     * by autograd): a cropped walk then need not recompute them.
     *
     * @param l the node
     * @param block its block, or null
     * @param g the signal at its output
     * @param inputs its forward inputs' shapes, with the batch axis
     * @param cache its arrays derived from the parameters
     * @return the signal at each input, in input order, or null
     */
    default NDList backward(LayerSpec l, Block block, NDArray g, Shape[] inputs, NodeCache cache) {
        return null;
    }

    /**
     * The signal at this node's input given {@code g} at the output of a per-channel {@code scale}
     * (an inference-mode BatchNorm) that alone reads it: both backward steps in one, or null when this
     * kind cannot fold the scale in.
     *
     * @param l the node
     * @param block its block
     * @param g the signal at the scale's output
     * @param scale the per-channel factors (C)
     * @param cache the node's arrays derived from the parameters
     * @return the signal at the node's input, or null
     */
    default NDArray backwardThroughScale(LayerSpec l, Block block, NDArray g, NDArray scale, NodeCache cache) {
        return null;
    }

    /**
     * For a per-channel scale in inference mode (BatchNorm), its factors (C); null for other kinds.
     *
     * @param l the node
     * @param block its block
     * @return the factors, or null
     */
    default NDArray channelScale(LayerSpec l, Block block) {
        return null;
    }

    /**
     * Whether the node is a rectifier: a call site where a back-propagation rule replaces the gradient.
     *
     * @return true for ReLU and ReLU6
     */
    default boolean isRectifier() {
        return false;
    }

    /**
     * For a rectifier, its pass-through mask {@code [x in the open interval where the derivative is 1]}
     * computed from its output {@code y}, overwriting {@code y}.
     *
     * @param y the rectifier's output, overwritten
     * @return the mask, 1 where the gradient passes and 0 elsewhere
     * @throws UnsupportedOperationException for a kind that is not a rectifier
     */
    default NDArray passMaskConsuming(NDArray y) {
        throw new UnsupportedOperationException("not a rectifier");
    }

    /**
     * For a rectifier, the pass-through test on one float of its input.
     *
     * @param x a value of the rectifier's input
     * @return whether the gradient passes there
     * @throws UnsupportedOperationException for a kind that is not a rectifier
     */
    default boolean passes(float x) {
        throw new UnsupportedOperationException("not a rectifier");
    }

    /**
     * The box of input positions that output box {@code {y0, y1, x0, x1}} (inclusive, may reach into
     * the padding) depends on, for a node whose input and output are C x H x W. Element-wise kinds keep
     * the box.
     *
     * @param l the node
     * @param box {y0, y1, x0, x1} in the output
     * @return {y0, y1, x0, x1} in the input
     */
    default long[] inputBox(LayerSpec l, long[] box) {
        return box;
    }

    /**
     * This node as it runs on a crop of its input whose positions outside the input map already hold
     * {@link #paddingValue}: the same node without padding, or null when no crop reproduces it exactly
     * (flat kinds; average pooling that leaves the padding out of its count or rounds up). Element-wise
     * kinds, and nodes that read no padding (none, and no ceil mode), return {@code l} itself.
     *
     * @param l the node
     * @return the node without padding, {@code l}, or null
     */
    default LayerSpec unpadded(LayerSpec l) {
        return null;
    }

    /**
     * The value this node reads outside its input map: 0, or -infinity for max pooling.
     *
     * @param l the node
     * @return the padding value
     */
    default float paddingValue(LayerSpec l) {
        return 0f;
    }

    /**
     * Whether the node's output is flat while it mixes every input position (its field is the whole image).
     *
     * @param inputShapes the shapes of its inputs, without the batch axis
     * @return true for flattening and global pooling of a C x H x W input
     */
    default boolean mixesAllPositions(List<long[]> inputShapes) {
        return false;
    }

    /**
     * Whether the node has weights that sanity-check randomisation re-draws (a conv or a linear layer).
     *
     * @return true for convolutions and linear layers
     */
    default boolean isWeighted() {
        return false;
    }

    /**
     * Whether the node is a BatchNorm (randomised with the weighted node that feeds it).
     *
     * @return true for BatchNorm
     */
    default boolean isBatchNorm() {
        return false;
    }
}
