package dev.gbp.train;

import dev.gbp.GbpInputException;

/**
 * One-cycle learning rate: linear warm-up from {@code peak * startFraction} to {@code peak} over the
 * first {@code warmupFraction} of the steps, then linear decay to zero at the last step.
 */
public final class OneCycleSchedule {
    private final double peak;
    private final long totalSteps;
    private final double warmupFraction;
    private final double startFraction;

    /**
     * @param totalSteps steps of the whole run, at least 1
     * @throws GbpInputException when {@code totalSteps} is below 1
     */
    public OneCycleSchedule(double peak, long totalSteps, double warmupFraction, double startFraction) {
        if (totalSteps < 1) {
            throw GbpInputException.parameter("totalSteps", "must be at least 1 (got " + totalSteps + ")");
        }
        this.peak = peak;
        this.totalSteps = totalSteps;
        this.warmupFraction = warmupFraction;
        this.startFraction = startFraction;
    }

    /** The learning rate for step {@code step} (0-based). */
    public double at(long step) {
        double t = (double) step / totalSteps;
        if (t < warmupFraction) {
            double a = t / warmupFraction;
            return peak * (startFraction + (1 - startFraction) * a);
        }
        double a = (t - warmupFraction) / (1 - warmupFraction);
        return peak * Math.max(0, 1 - a);
    }
}
