package dev.gbp.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with Nesterov momentum and decoupled-from-BatchNorm weight decay, PyTorch's formulation:
 * {@code g += wd*w (weights only); v = mu*v + g; w -= lr*(g + mu*v)}.
 *
 * <p>Written here rather than taken from DJL because DJL's SGD has no Nesterov option and applies
 * weight decay to every parameter, BatchNorm scales included. Updates run in place, outside any
 * gradient collector, and zero the gradients for the next step.
 */
public final class SgdNesterov {
    private final List<Slot> slots = new ArrayList<>();
    private final double momentum;
    private final double weightDecay;

    public SgdNesterov(PairList<String, Parameter> parameters, NDManager manager, double momentum, double weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        for (Pair<String, Parameter> p : parameters) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue; // running statistics
            }
            boolean decay = param.getType() == Parameter.Type.WEIGHT;
            NDArray v = manager.zeros(param.getArray().getShape());
            slots.add(new Slot(param, v, decay));
        }
    }

    /** Applies one step with learning rate {@code lr}; call inside an NDScope to free temporaries. */
    public void step(double lr) {
        float mu = (float) momentum;
        for (Slot s : slots) {
            NDArray w = s.param.getArray();
            NDArray g = w.getGradient();
            NDArray d = s.decay && weightDecay > 0 ? g.add(w.mul((float) weightDecay)) : g.duplicate();
            s.velocity.muli(mu).addi(d);
            d.addi(s.velocity.mul(mu));
            w.subi(d.muli((float) lr));
            g.subi(g); // gradients accumulate in PyTorch: clear them for the next step
        }
    }

    private static final class Slot {
        final Parameter param;
        final NDArray velocity;
        final boolean decay;

        Slot(Parameter param, NDArray velocity, boolean decay) {
            this.param = param;
            this.velocity = velocity;
            this.decay = decay;
        }
    }
}
