/**
 * Model bundles and the networks built from them. <b>Public API.</b>
 *
 * <p>A bundle is a folder with {@code model.json} ({@link dev.gbp.model.ModelSpec}: input size, classes,
 * normalisation and the nodes, each a {@link dev.gbp.model.LayerSpec} of a {@link dev.gbp.model.LayerType}) and
 * {@code weights.npz} ({@link dev.gbp.model.Npz}, {@link dev.gbp.model.Npy}, {@link dev.gbp.model.NpyArray}).
 * {@link dev.gbp.model.Network#load} reads and checks both and builds the DJL network, which runs node by node;
 * {@link dev.gbp.model.Classifier} classifies images with it, {@link dev.gbp.model.ReceptiveField} says which
 * input pixels a neuron sees. Images reach a network only through {@link dev.gbp.model.Pixels}, so this package
 * does not depend on {@link dev.gbp.data}. A bundle that cannot be read or does not hang together throws
 * {@link dev.gbp.model.ModelException}, naming the file, node or array.
 *
 * <p>{@link dev.gbp.model.NodeKind} and {@link dev.gbp.model.NodeCache} are how a node's kind runs its forward and
 * backward steps; they are public because {@link dev.gbp.attr} drives them, and are of use only to code that walks
 * a network node by node.
 */
package dev.gbp.model;
