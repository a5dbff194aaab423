package dev.gbp.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * The default CIFAR-10 network, kept as a bundle spec in the resources ({@code cifar10-default.json}).
 *
 * <p>Eight 3x3 conv layers (widths 32-32 | 64-64 | 128-128 | 256-256, a 2x2 max-pool after each pair
 * but the last), BatchNorm and a ReLU layer after each, global average pooling and one linear layer:
 * about 53 M multiply-adds per image. It was chosen for accuracy per CPU-second on a 2-core machine;
 * the ReLU after the third conv is named {@code conv3_relu}, the seed experiment's layer.
 */
public final class DefaultArchitecture {
    private DefaultArchitecture() {}

    /**
     * The default CIFAR-10 network's spec ({@code gbp train} trains it unless given another).
     *
     * @return the spec, 3 x 32 x 32 input, CIFAR-10's ten classes
     */
    public static ModelSpec cifar10() {
        try (InputStream in = DefaultArchitecture.class.getResourceAsStream("cifar10-default.json")) {
            return ModelSpec.fromJson(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("the default architecture resource is missing", e);
        }
    }
}
