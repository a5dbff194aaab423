/**
 * Attribution: the methods, what they explain and what they return. <b>Public API.</b>
 *
 * <p>An {@link dev.gbp.attr.Attribution} turns a batch of normalised images and a {@link dev.gbp.attr.Target}
 * (a neuron, a channel's maximum, a class logit) into an {@link dev.gbp.attr.AttributionResult}: one map per image
 * with the input's shape, and the {@link dev.gbp.attr.NeuronChoice} the target resolved to. Guided
 * backpropagation, deconvnet and the gradient are {@link dev.gbp.attr.LayerwiseBackprop} with a
 * {@link dev.gbp.attr.ReluRule} ({@link dev.gbp.attr.GuidedBackprop} makes them); {@link dev.gbp.attr.GradCam},
 * {@link dev.gbp.attr.SmoothGrad}, {@link dev.gbp.attr.IntegratedGradients} and
 * {@link dev.gbp.attr.InputXGradient} are the methods compared with them, {@link dev.gbp.attr.AutogradGradient}
 * the reference by DJL's own autograd. {@link dev.gbp.attr.Methods} makes any of them by name and
 * {@link dev.gbp.attr.BatchRunner} runs one over an image set of any size.
 *
 * <p>Maps are {@code float[]} in N x C x H x W (per image C x H x W) row-major order: the gradient (or the method's
 * map) with respect to the normalised input. Methods run on the engine's arrays inside the caller's
 * {@code NDScope}s and return plain Java arrays.
 */
package dev.gbp.attr;
