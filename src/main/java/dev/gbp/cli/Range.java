package dev.gbp.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values a numeric option (or each value of an array option) may take. {@link Ranges#check} refuses any other
 * value, NaN and the infinities included, before a command runs, naming the option and the range (exit code 2).
 * Every int, long, float and double option but a seed carries one ({@code InputErrorsCliTest} checks that).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface Range {
    /** The smallest value. */
    double min();

    /** The largest value; the default, {@code Integer.MAX_VALUE}, means "no more than an int holds". */
    double max() default Integer.MAX_VALUE;

    /** Whether {@link #min()} itself is refused (a learning rate must be above 0). */
    boolean minExclusive() default false;

    /** Whether {@link #max()} is per core of this machine (threads). */
    boolean perCore() default false;
}
