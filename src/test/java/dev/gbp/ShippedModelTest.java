package dev.gbp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.gbp.attr.AttributionResult;
import dev.gbp.attr.AutogradGradient;
import dev.gbp.attr.BatchRunner;
import dev.gbp.attr.GuidedBackprop;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.engine.TorchRuntime;
import dev.gbp.model.Network;
import dev.gbp.train.Trainer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped model on real CIFAR-10 (GBP_CIFAR10): accuracy, and the engine on trained weights and real images. */
class ShippedModelTest {
    static final Path SHIPPED = Path.of("models/cifar10-cnn");

    @Test
    void accurateOnTheExactTestRecords() {
        Path data = TestFiles.realCifarOrSkip();
        TorchRuntime.start(1);
        CifarImages exact = CifarReader.read(data, CifarReader.Split.TEST).slice(0, 1000);
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.load(SHIPPED, m)) {
            double acc = Trainer.accuracy(net, exact);
            assertTrue(acc >= 0.85, "accuracy on test records 0-999: " + acc);
        }
    }

    @Test
    void guidedMapsOfTheFirstHundredImagesAreFiniteAndDifferFromTheGradient() {
        Path data = TestFiles.realCifarOrSkip();
        TorchRuntime.start(1);
        CifarImages first = CifarReader.read(data, CifarReader.Split.TEST).slice(0, 100);
        try (NDManager m = NDManager.newBaseManager(); Network net = Network.load(SHIPPED, m)) {
            Target t = Target.maxNeuron("conv3_relu");
            AttributionResult guided = BatchRunner.run(GuidedBackprop.of(net), net, first, t, 100, null);
            AttributionResult gradient = BatchRunner.run(GuidedBackprop.gradient(net), net, first, t, 50, null);
            AttributionResult autograd = BatchRunner.run(new AutogradGradient(net), net, first, t, 100, null);
            int differ = 0;
            for (int i = 0; i < 100; i++) {
                float[] g = guided.map(i);
                float[] p = gradient.map(i);
                float[] a = autograd.map(i);
                double diff = 0;
                double ref = 0;
                double err = 0;
                for (int k = 0; k < g.length; k++) {
                    assertTrue(Float.isFinite(g[k]), "finite map");
                    diff += (g[k] - p[k]) * (double) (g[k] - p[k]);
                    ref += p[k] * (double) p[k];
                    err += (p[k] - a[k]) * (double) (p[k] - a[k]);
                }
                assertTrue(Math.sqrt(err) <= 1e-5 * Math.max(Math.sqrt(ref), 1e-30), "layer-wise gradient = autograd, image " + i);
                differ += Math.sqrt(diff) > 1e-3 * Math.sqrt(ref) ? 1 : 0;
            }
            assertTrue(differ >= 95, "guided differs from the gradient on " + differ + " of 100 images");
            assertEquals(3, guided.reluSitesApplied());
        }
    }
}
