package dev.gbp.cli;

import dev.gbp.data.CifarReader;
import java.util.Locale;

/** Parses {@code --split}. */
final class SplitOption {
    private SplitOption() {}

    static CifarReader.Split parse(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "test":
                return CifarReader.Split.TEST;
            case "train":
                return CifarReader.Split.TRAIN;
            default:
                throw new UsageException("--split must be test or train, got '" + value + "'");
        }
    }
}
