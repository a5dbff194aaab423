package dev.gbp.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.attr.Methods;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvaluationPagesTest {
    @Test
    void faithfulnessTicksSitAtTheQuartersOfThePixels() {
        List<String> ticks = EvaluationPages.percentTicks(33, 32);
        assertEquals(33, ticks.size());
        assertEquals("0%", ticks.get(0));
        assertEquals("25%", ticks.get(8));
        assertEquals("50%", ticks.get(16));
        assertEquals("75%", ticks.get(24));
        assertEquals("100%", ticks.get(32));
        assertEquals(5, ticks.stream().filter(t -> !t.isEmpty()).count());
        // 100 pixels per step: 12 points (the last one every pixel); labels give the exact share at their point.
        List<String> uneven = EvaluationPages.percentTicks(12, 100);
        assertEquals("0%", uneven.get(0));
        assertEquals("29%", uneven.get(3));
        assertEquals("100%", uneven.get(11));
    }

    @Test
    void verdictComparesImageByImage() {
        // Deletion (lower is better): differences -0.1, 0, -0.2; mean -0.1; sample sd 0.1; standard error 0.1 / sqrt(3).
        FaithfulnessVerdict.Comparison d = FaithfulnessVerdict.compare(new double[] {0.1, 0.2, 0.3}, new double[] {0.2, 0.2, 0.5},
                false);
        assertEquals("better", d.word());
        assertEquals(-0.1, d.meanDifference(), 1e-12);
        assertEquals(0.1 / Math.sqrt(3), d.standardError(), 1e-12);
        assertEquals(2, d.imagesBetter(), "strictly better on two images, tied on one");
        assertEquals(3, d.images());
        assertTrue(d.withinNoise(), "0.1 < 2 x 0.0577");
        // The same numbers as insertion AUCs (higher is better): worse; NaN images are left out.
        FaithfulnessVerdict.Comparison in = FaithfulnessVerdict.compare(new double[] {0.1, 0.2, 0.3, Double.NaN},
                new double[] {0.2, 0.2, 0.5, 0.4}, true);
        assertEquals("worse", in.word());
        assertEquals(0, in.imagesBetter());
        assertEquals(3, in.images());
        FaithfulnessVerdict.Comparison clear = FaithfulnessVerdict.compare(new double[] {0.1, 0.1, 0.1, 0.11},
                new double[] {0.5, 0.5, 0.5, 0.5}, false);
        assertFalse(clear.withinNoise());
        assertTrue(FaithfulnessVerdict.cell(0.3, 0.2, in).contains("worse</b>: 0.3000 vs 0.2000"));
    }

    @Test
    void everyMethodHasItsOwnStyleAndRandomIsGreyAndDashed() {
        Set<String> seen = new HashSet<>();
        for (String m : Methods.NAMES) {
            var s = MethodStyles.of(m);
            String key = MethodStyles.hex(m) + (s.dash() == null ? "" : java.util.Arrays.toString(s.dash()));
            assertTrue(seen.add(key), "colour and dash of " + m + " used twice");
        }
        assertEquals("#7F7F7F", MethodStyles.hex("random"));
        assertNotEquals(null, MethodStyles.of("random").dash());
        assertEquals(MethodStyles.of("guided"), MethodStyles.of("Guided"), "names are case-insensitive");
        assertTrue(MethodStyles.htmlLegend(List.of("guided", "random")).contains("stroke=\"#0072B2\""));
    }
}
