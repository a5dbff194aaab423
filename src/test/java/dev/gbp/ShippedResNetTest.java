package dev.gbp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Network;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shipped ResNet is the trained network averaged over the mirror image (models/arch/mirror_average.py): its
 * logits do not change when an image is mirrored and do when it is turned upside down, and its second tower computes
 * the first one's activations on the mirror image. No data needed.
 */
class ShippedResNetTest {
    static final Path SHIPPED = Path.of("models/cifar10-resnet");

    @Test
    void logitsAreAveragedOverTheImageAndItsMirror() {
        TorchRuntime.start(1);
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.load(SHIPPED, m)) {
            ModelSpec spec = net.spec();
            int[] in = spec.input();
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(4, in[0], in[1], in[2]));
            float[] logits = net.forward(x, false).toFloatArray();
            float[] mirrored = net.forward(x.flip(3), false).toFloatArray();
            float[] upsideDown = net.forward(x.flip(2), false).toFloatArray();
            double ref = 0;
            double mirrorDiff = 0;
            double upDownDiff = 0;
            for (int k = 0; k < logits.length; k++) {
                ref = Math.max(ref, Math.abs(logits[k]));
                mirrorDiff = Math.max(mirrorDiff, Math.abs(logits[k] - mirrored[k]));
                upDownDiff = Math.max(upDownDiff, Math.abs(logits[k] - upsideDown[k]));
            }
            assertTrue(mirrorDiff <= 1e-4 * ref, "mirroring the image changed the logits by " + mirrorDiff + " of " + ref);
            assertTrue(upDownDiff > 1e-2 * ref, "turning it upside down changed them by only " + upDownDiff);

            int a = spec.resolveLayer("conv3_relu");
            int b = spec.resolveLayer("mirror/conv3_relu");
            float[] onMirror = net.forwardTo(x.flip(3), a).toFloatArray();
            float[] secondTower = net.forwardTo(x, b).flip(3).toFloatArray();
            assertEquals(onMirror.length, secondTower.length);
            double err = 0;
            double size = 0;
            for (int k = 0; k < onMirror.length; k++) {
                err = Math.max(err, Math.abs(onMirror[k] - secondTower[k]));
                size = Math.max(size, Math.abs(onMirror[k]));
            }
            assertTrue(size > 0 && err <= 1e-4 * size, "mirror/conv3_relu differs from conv3_relu on the mirror image by " + err);
        }
    }
}
