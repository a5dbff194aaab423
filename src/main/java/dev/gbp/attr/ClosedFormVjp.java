package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.util.Pair;
import dev.gbp.model.LayerSpec;
import dev.gbp.model.Network;

/**
 * Exact vector-Jacobian products in closed form for the layers where they are cheaper than autograd:
 * a stride-1 convolution's input gradient is the convolution of the signal with the flipped,
 * transposed kernel (PyTorch's CPU engine has no transposed convolution, and its convolution backward
 * takes a slow path for few output channels); BatchNorm in inference mode is a per-channel scale;
 * a linear layer is a matrix product; flatten is a reshape; dropout in inference mode is the identity.
 * Every other layer (max-pool with its first-maximum routing, average pooling, strided convolutions)
 * keeps its autograd graph. Built once per network; the arrays live as long as the network.
 */
final class ClosedFormVjp {
    private final NDArray[] kernels;
    private final int[][] paddings;
    private final NDArray[] scales;
    private final NDArray[] weights;
    private final boolean[] identity;
    private final boolean[] reshape;

    ClosedFormVjp(Network net) {
        int n = net.size();
        kernels = new NDArray[n];
        paddings = new int[n][];
        scales = new NDArray[n];
        weights = new NDArray[n];
        identity = new boolean[n];
        reshape = new boolean[n];
        NDManager m = net.manager();
        for (int i = 0; i < n; i++) {
            LayerSpec l = net.spec().layer(i);
            switch (l.type()) {
                case CONV2D: {
                    int[] k = l.kernel();
                    int[] s = l.stride();
                    int[] p = l.padding();
                    if (s[0] == 1 && s[1] == 1 && p[0] <= k[0] - 1 && p[1] <= k[1] - 1) {
                        NDArray w = param(net, i, "weight");
                        kernels[i] = keep(w.transpose(1, 0, 2, 3).flip(2, 3).toDevice(w.getDevice(), true), m);
                        paddings[i] = new int[] {k[0] - 1 - p[0], k[1] - 1 - p[1]};
                    }
                    break;
                }
                case BATCHNORM1D:
                case BATCHNORM2D: {
                    NDArray gamma = param(net, i, "gamma");
                    NDArray var = param(net, i, "runningVar");
                    NDArray scale = gamma.div(var.add((float) l.eps()).sqrt());
                    long c = gamma.getShape().get(0);
                    scales[i] = keep(l.type() == dev.gbp.model.LayerType.BATCHNORM2D ? scale.reshape(1, c, 1, 1)
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
        return kernels[i] != null || scales[i] != null || weights[i] != null || identity[i] || reshape[i];
    }

    /** The signal at layer {@code i}'s input, given {@code g} at its output and its input {@code x}. */
    NDArray apply(int i, NDArray g, NDArray x) {
        if (kernels[i] != null) {
            return Conv2d.conv2d(g, kernels[i], null, new Shape(1, 1), new Shape(paddings[i][0], paddings[i][1]))
                    .singletonOrThrow();
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
