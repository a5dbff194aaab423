package dev.gbp.atlas;

import java.io.Serializable;

/**
 * One entry of an atlas: rank {@code rank} (0 = best) of channel {@code channel} is image {@code image}, whose
 * channel maximum {@code activation} lies at (y, x).
 */
public record Winner(int channel, int rank, long image, int y, int x, float activation) implements Serializable {}
