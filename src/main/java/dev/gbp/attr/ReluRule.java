package dev.gbp.attr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.gbp.GbpInputException;
import dev.gbp.model.NodeKind;
import java.util.Locale;

/**
 * What a ReLU call site hands down on the way back, given the incoming gradient {@code dy} and the
 * ReLU's forward input {@code z} (Springenberg et al. 2014, Fig. 1). The mask {@code [z > 0]} is
 * strict: {@code z = 0} (and -0.0) passes nothing, as in PyTorch's ReLU backward.
 */
public enum ReluRule {
    /** {@code dz = dy * [z > 0]}: the true gradient (Simonyan et al. 2013). */
    GRADIENT("gradient"),
    /** {@code dz = max(dy, 0)}: Zeiler and Fergus's deconvnet, which ignores the forward mask. */
    DECONVNET("deconvnet"),
    /** {@code dz = max(dy, 0) * [z > 0]}: guided backpropagation. */
    GUIDED("guided");

    private final String id;

    ReluRule(String id) {
        this.id = id;
    }

    /**
     * The name used on the command line and in outputs.
     *
     * @return {@code gradient}, {@code deconvnet} or {@code guided}
     */
    public String id() {
        return id;
    }

    /**
     * Applies the rule element-wise.
     *
     * @param dy the gradient arriving at the ReLU's output
     * @param z the ReLU's forward input (its output gives the same mask)
     * @return what the ReLU hands down, a new array of {@code dy}'s shape
     */
    public NDArray apply(NDArray dy, NDArray z) {
        switch (this) {
            case GRADIENT:
                return dy.mul(mask(z));
            case DECONVNET:
                return positivePart(dy);
            case GUIDED:
                return positivePart(dy).mul(mask(z));
            default:
                throw new IllegalStateException();
        }
    }

    /**
     * The same rule given the rectifier's output {@code y} instead of its input, on the hot path of
     * the layer-wise engine: the mask comes from the rectifier's kind ({@code sign(y)} for a ReLU,
     * computed in place; {@code [0 < y < 6]} for ReLU6). Both arguments are consumed: {@code y} is overwritten with the mask and
     * {@code dy} may be overwritten with the result, so the walk allocates at most one array here.
     * Fresh arrays are costly: each one is new memory the engine must fault in.
     */
    NDArray applyConsuming(NDArray dy, NDArray y, NodeKind rectifier) {
        switch (this) {
            case GRADIENT:
                return dy.muli(rectifier.passMaskConsuming(y));
            case DECONVNET:
                return positivePart(dy);
            case GUIDED:
                return positivePart(dy).muli(rectifier.passMaskConsuming(y));
            default:
                throw new IllegalStateException();
        }
    }

    /**
     * The rule on plain floats, for reference computations.
     *
     * @param dy the gradient arriving at the ReLU's output
     * @param z the ReLU's forward input
     * @return what the ReLU hands down
     */
    public float apply(float dy, float z) {
        float pass = z > 0 ? 1f : 0f;
        switch (this) {
            case GRADIENT:
                return dy * pass;
            case DECONVNET:
                return Math.max(dy, 0f);
            case GUIDED:
                return Math.max(dy, 0f) * pass;
            default:
                throw new IllegalStateException();
        }
    }

    /** max(dy, 0), by the engine's ReLU kernel (DJL's maximum with a scalar is several times slower). */
    private static NDArray positivePart(NDArray dy) {
        return ai.djl.nn.Activation.relu(dy);
    }

    private static NDArray mask(NDArray z) {
        // A float mask multiplied in, rather than boolean indexing (which leaks in DJL loops).
        return z.gt(0f).toType(DataType.FLOAT32, false);
    }

    /**
     * The rule named {@code s}, in any case.
     *
     * @param s {@code gradient}, {@code deconvnet} or {@code guided}
     * @return the rule
     * @throws IllegalArgumentException for another name
     * @throws GbpInputException for any other name
     */
    public static ReluRule parse(String s) {
        for (ReluRule r : values()) {
            if (r.id.equals(s.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new GbpInputException("unknown rule " + GbpInputException.quote(s) + " (guided, deconvnet, gradient)");
    }

    @Override
    public String toString() {
        return id;
    }
}
