package dev.gbp.cli;

import dev.gbp.engine.TorchRuntime;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Checks every numeric option against its {@link Range}, in one place for every command; the shared bounds. */
final class Ranges {
    /** Images (or rows) per batch, at most: a batch of 4096 CIFAR images is 50 MB of input alone. */
    static final int MAX_BATCH = 4096;
    /** SmoothGrad samples and integrated-gradients steps, at most. */
    static final int MAX_REPEATS = 10_000;
    /** Threads per core, at most: more only make the cores take turns (and 1000 threads on 2 cores seem to hang). */
    static final int THREADS_PER_CORE = 4;

    private Ranges() {}

    /**
     * Refuses the first value of an option of the parsed commands that lies outside its {@link Range}.
     *
     * @throws CommandLine.ParameterException naming the option, its range and the value
     */
    static void check(CommandLine.ParseResult parsed) {
        for (CommandLine cmd : parsed.asCommandLineList()) {
            for (OptionSpec o : cmd.getCommandSpec().options()) {
                Range r = o.userObject() instanceof Field f ? f.getAnnotation(Range.class) : null;
                Object v = r == null ? null : o.getValue();
                if (v == null) {
                    continue;
                }
                for (int i = 0, n = v.getClass().isArray() ? Array.getLength(v) : 1; i < n; i++) {
                    Number x = (Number) (v.getClass().isArray() ? Array.get(v, i) : v);
                    if (!within(r, x.doubleValue())) {
                        throw new CommandLine.ParameterException(cmd, o.longestName() + " must be " + describe(r)
                                + ", got " + x);
                    }
                }
            }
        }
    }

    private static boolean within(Range r, double x) {
        return (r.minExclusive() ? x > r.min() : x >= r.min()) && x <= max(r);
    }

    private static double max(Range r) {
        return r.perCore() ? r.max() * TorchRuntime.DEFAULT_THREADS : r.max();
    }

    /** The range in words: "1..4096", "at least 1", "above 0 and at most 10", "1..8 (4 per core)". */
    static String describe(Range r) {
        String min = number(r.min());
        if (r.perCore()) {
            return min + ".." + number(max(r)) + " (" + number(r.max()) + " per core)";
        }
        if (r.max() == Integer.MAX_VALUE) {
            return (r.minExclusive() ? "above " : "at least ") + min;
        }
        return r.minExclusive() ? "above " + min + " and at most " + number(r.max()) : min + ".." + number(r.max());
    }

    private static String number(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
