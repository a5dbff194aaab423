package dev.gbp.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr, in one style. */
final class ProgressBars {
    private ProgressBars() {}

    static ProgressBar create(String task, long max, String unit) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 110))
                .showSpeed();
        if (unit != null) {
            b.setUnit(" " + unit, 1);
        }
        return b.build();
    }
}
