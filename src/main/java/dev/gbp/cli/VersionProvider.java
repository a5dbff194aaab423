package dev.gbp.cli;

import picocli.CommandLine;

/** Version from the jar manifest (falls back to "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"gbp " + (v == null ? "dev" : v) + ", DJL 0.36.0, PyTorch 2.7.1 (CPU)"};
    }
}
