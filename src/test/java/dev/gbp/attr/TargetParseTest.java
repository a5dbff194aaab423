package dev.gbp.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gbp.GbpInputException;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.ModelSpec;
import org.junit.jupiter.api.Test;

/** Target specs that are not targets: always a GbpInputException for the parameter "target", quoting the spec. */
class TargetParseTest {
    private final ModelSpec spec = DefaultArchitecture.cifar10();

    private GbpInputException error(String target) {
        return assertThrows(GbpInputException.class, () -> Target.parse(target, spec));
    }

    @Test
    void numbersTooLargeForAnIntAreInputErrors() {
        // Before: NumberFormatException (an IllegalArgumentException that named no parameter) for each of these.
        for (String t : new String[] {"class:99999999999", "neuron:conv3_relu:99999999999,0,0", "channel-max:conv3_relu:-99999999999",
            "max-neuron:99999999999"}) {
            GbpInputException e = error(t);
            assertEquals("target", e.parameter(), t);
            assertTrue(e.getMessage().startsWith("target '" + t + "': "), e.getMessage());
        }
    }

    @Test
    void aHugeTargetIsQuotedNotEchoedWhole() {
        // Before: a 100 KB target was printed whole, three times.
        String huge = "max-neuron:" + "x".repeat(100_000);
        String m = error(huge).getMessage();
        assertTrue(m.length() < 1500, "message of " + m.length() + " characters");
        assertTrue(m.contains("more characters"), m);
        String control = error("class:\u001b[31mred").getMessage();
        assertTrue(control.contains("\\x1b[31mred") && !control.contains("\u001b"), control);
    }

    @Test
    void validTargetsStillParse() {
        assertEquals(Target.classLogit(3), Target.parse("class:cat", spec));
        assertEquals(Target.classLogit(0), Target.parse(" class:0 ", spec));
        assertEquals(Target.neuron("conv3_relu", 1, 2, 3), Target.parse("neuron:conv3_relu:1, 2 ,3", spec));
        assertEquals(Target.predicted(), Target.parse("PREDICTED", spec));
    }
}
