package dev.gbp.cli;

import java.util.Locale;

/** Counted nouns in the command line's messages: "1 map", "2 maps". */
final class Counts {
    private Counts() {}

    /** {@code n} and the noun, with an "s" unless {@code n} is 1. */
    static String of(long n, String singular) {
        return of(n, singular, singular + "s");
    }

    /** {@code n} and the singular or plural noun. */
    static String of(long n, String singular, String plural) {
        return String.format(Locale.ROOT, "%d %s", n, n == 1 ? singular : plural);
    }
}
