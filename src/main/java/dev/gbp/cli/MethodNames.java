package dev.gbp.cli;

import dev.gbp.attr.Methods;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** The method names of {@link Methods#NAMES}: the help's ${COMPLETION-CANDIDATES} and the check before any work. */
final class MethodNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Methods.NAMES.iterator();
    }

    /** Fails naming the option, the unknown name and the valid ones. */
    static void check(String option, List<String> names) {
        if (names.isEmpty()) {
            throw new UsageException(option + " needs at least one method (" + String.join(", ", Methods.NAMES) + ")");
        }
        for (String name : names) {
            if (!Methods.NAMES.contains(name.toLowerCase(Locale.ROOT))) {
                throw new UsageException(option + ": unknown method '" + name + "' (methods: " + String.join(", ", Methods.NAMES) + ")");
            }
        }
    }
}
