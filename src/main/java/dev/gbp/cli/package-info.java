/**
 * The {@code gbp} command line: picocli commands, options, exit codes, progress bars. <b>Internal</b>: the
 * commands and options are the interface (README, {@code gbp <command> --help}); the classes are not.
 */
package dev.gbp.cli;
