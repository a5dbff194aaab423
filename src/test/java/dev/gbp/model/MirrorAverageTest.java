package dev.gbp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gbp.engine.TorchRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * models/arch/mirror_average.py, checked through gbp's engine on the fixtures src/test/python/make_mirror_bundle.py
 * made with it: the averaged bundle's logits are the plain network's logits averaged over the image and its mirror
 * image, so they do not change when the image is mirrored (and do when it is turned upside down).
 */
class MirrorAverageTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/mirror-average");

    @Test
    void theAveragedBundleIsThePlainNetworkAveragedOverTheImageAndItsMirror() {
        TorchRuntime.start(1);
        try (NDManager m = NDManager.newBaseManager();
                Network plain = Network.load(FIXTURES.resolve("plain"), m);
                Network averaged = Network.load(FIXTURES.resolve("averaged"), m)) {
            assertEquals(2 * plain.size() + 1, averaged.size(), "two towers and the add node");
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(6, 3, 8, 8));
            float[] a = plain.forward(x, false).toFloatArray();
            float[] b = plain.forward(x.flip(3), false).toFloatArray();
            float[] avg = averaged.forward(x, false).toFloatArray();
            float[] avgMirrored = averaged.forward(x.flip(3), false).toFloatArray();
            float[] avgUpsideDown = averaged.forward(x.flip(2), false).toFloatArray();
            double err = 0;
            double mirrorDiff = 0;
            double upDownDiff = 0;
            double ref = 0;
            double plainMirrorDiff = 0;
            for (int k = 0; k < a.length; k++) {
                double expected = (a[k] + (double) b[k]) / 2;
                err = Math.max(err, Math.abs(avg[k] - expected));
                mirrorDiff = Math.max(mirrorDiff, Math.abs(avg[k] - avgMirrored[k]));
                upDownDiff = Math.max(upDownDiff, Math.abs(avg[k] - avgUpsideDown[k]));
                plainMirrorDiff = Math.max(plainMirrorDiff, Math.abs(a[k] - b[k]));
                ref = Math.max(ref, Math.abs(expected));
            }
            assertTrue(plainMirrorDiff > 1e-2 * ref, "the plain network must tell an image from its mirror: " + plainMirrorDiff);
            assertTrue(err <= 1e-5 * ref, "averaged differs from (plain(x) + plain(mirror x)) / 2 by " + err);
            assertTrue(mirrorDiff <= 1e-5 * ref, "mirroring changed the averaged logits by " + mirrorDiff);
            assertTrue(upDownDiff > 1e-2 * ref, "turning the image upside down changed them by only " + upDownDiff);
        }
    }
}
