package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.util.Pair;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.LayerType;
import dev.gbp.model.Network;

/**
 * Exact vector-Jacobian products in closed form for the layers where they are cheaper than autograd:
 * a stride-1 convolution's input gradient is the convolution of the signal with the flipped,
 * transposed kernel (PyTorch's CPU engine has no transposed convolution, and its convolution backward
 * takes a slow path for few output channels); BatchNorm in inference mode is a per-channel scale;
 * a linear layer is a matrix product; flatten is a reshape; dropout in inference mode is the identity.
 * Every other layer (max-pool with its first-maximum routing, average pooling, strided convolutions)
 * keeps its autograd graph. Built once per network; the arrays live as long as the network.
 *
 * <p>A convolution followed by BatchNorm also gets a kernel with the BatchNorm scale folded in, so that
 * the walk takes both steps in one convolution instead of a convolution and a full-size product. Only
 * the backward pass is folded: the forward pass runs the layers as the model defines them, so the
 * chosen neurons are exactly the model's.
 */
final class ClosedFormVjp {
    private final Network net;
    private final boolean[] transposable;
    private final NDArray[] kernels;
    private final NDArray[] foldedKernels;
    private final int[][] paddings;
    private final NDArray[] scales;
    private final NDArray[] weights;
    private final boolean[] identity;
    private final boolean[] reshape;

    ClosedFormVjp(Network net) {
        int n = net.size();
        this.net = net;
        transposable = new boolean[n];
        kernels = new NDArray[n];
        foldedKernels = new NDArray[n];
        paddings = new int[n][];
        scales = new NDArray[n];
        weights = new NDArray[n];
        identity = new boolean[n];
        reshape = new boolean[n];
        NDManager m = net.manager();
        // The intermediates (transposed and flipped copies, scales) close with this scope; keep() takes the
        // arrays the walk uses out of it. Without it every construction left them on the network's manager.
        try (NDScope scope = new NDScope()) {
            build(net, m);
        }
    }

    private void build(Network net, NDManager m) {
        int n = net.size();
        for (int i = 0; i < n; i++) {
            LayerSpec l = net.spec().layer(i);
            switch (l.type()) {
                case CONV2D: {
                    int[] k = l.kernel();
                    int[] s = l.stride();
                    int[] p = l.padding();
                    if (s[0] == 1 && s[1] == 1 && p[0] <= k[0] - 1 && p[1] <= k[1] - 1) {
                        NDArray w = param(net, i, "weight");
                        transposable[i] = true;
                        paddings[i] = new int[] {k[0] - 1 - p[0], k[1] - 1 - p[1]};
                        if (i + 1 < n && net.spec().layer(i + 1).type() == LayerType.BATCHNORM2D) {
                            NDArray scale = batchNormScale(net, i + 1);
                            NDArray scaled = w.mul(scale.reshape(scale.getShape().get(0), 1, 1, 1));
                            foldedKernels[i] = keep(flippedTransposed(scaled), m);
                            // The plain kernel is then only needed when a walk starts between the two
                            // (a target on the convolution's own output): made on first use.
                        } else {
                            kernels[i] = keep(flippedTransposed(w), m);
                        }
                    }
                    break;
                }
                case BATCHNORM1D:
                case BATCHNORM2D: {
                    NDArray scale = batchNormScale(net, i);
                    long c = scale.getShape().get(0);
                    scales[i] = keep(l.type() == LayerType.BATCHNORM2D ? scale.reshape(1, c, 1, 1)
                            : scale.reshape(1, c), m);
                    break;
                }
                case LINEAR:
                    weights[i] = param(net, i, "weight");
                    break;
                case DROPOUT:
                    identity[i] = true;
                    break;
                case FLATTEN:
                    reshape[i] = true;
                    break;
                default:
                    break;
            }
        }
    }

    /** Whether layer {@code i}'s backward step is computed here rather than by autograd. */
    boolean covers(int i) {
        return transposable[i] || scales[i] != null || weights[i] != null || identity[i] || reshape[i];
    }

    /** Whether layer {@code i} is BatchNorm whose scale is folded into the convolution at {@code i - 1}. */
    boolean foldsIntoPrevious(int i) {
        return i > 0 && foldedKernels[i - 1] != null;
    }

    /**
     * The signal at the input of the convolution {@code conv}, given {@code g} at the output of the
     * BatchNorm that follows it: both backward steps in one convolution.
     */
    NDArray applyConvAndBatchNorm(int conv, NDArray g) {
        return transposedConv(g, foldedKernels[conv], paddings[conv]);
    }

    /** The signal at layer {@code i}'s input, given {@code g} at its output and its input {@code x}. */
    NDArray apply(int i, NDArray g, NDArray x) {
        if (transposable[i]) {
            if (kernels[i] == null) {
                try (NDScope scope = new NDScope()) {
                    kernels[i] = keep(flippedTransposed(param(net, i, "weight")), net.manager());
                }
            }
            return transposedConv(g, kernels[i], paddings[i]);
        }
        if (scales[i] != null) {
            return g.mul(scales[i]);
        }
        if (weights[i] != null) {
            return g.matMul(weights[i]);
        }
        if (reshape[i]) {
            return g.reshape(x.getShape());
        }
        return g; // dropout in inference mode
    }

    /** A stride-1 convolution's input gradient: the signal convolved with the flipped, transposed kernel. */
    private static NDArray transposedConv(NDArray g, NDArray kernel, int[] padding) {
        return Conv2d.conv2d(g, kernel, null, new Shape(1, 1), new Shape(padding[0], padding[1])).singletonOrThrow();
    }

    /** (out, in, kh, kw) to (in, out, kh, kw), each kh x kw plane turned by 180 degrees, contiguous. */
    private static NDArray flippedTransposed(NDArray w) {
        return w.transpose(1, 0, 2, 3).flip(2, 3).toDevice(w.getDevice(), true);
    }

    /** BatchNorm in inference mode multiplies channel c by gamma_c / sqrt(runningVar_c + eps). */
    private static NDArray batchNormScale(Network net, int i) {
        NDArray gamma = param(net, i, "gamma");
        NDArray var = param(net, i, "runningVar");
        return gamma.div(var.add((float) net.spec().layer(i).eps()).sqrt());
    }

    private static NDArray param(Network net, int layer, String name) {
        for (Pair<String, Parameter> p : net.layer(layer).getParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue().getArray();
            }
        }
        throw new IllegalStateException("layer " + layer + " has no parameter " + name);
    }

    /** Moves a derived array to the network's manager and out of any open scope, so it lives with the network. */
    private static NDArray keep(NDArray a, NDManager m) {
        a.attach(m);
        NDScope.unregister(a);
        return a;
    }
}
