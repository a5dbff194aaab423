/**
 * Files: output folders that appear whole or not at all, file digests, plain words for file-system errors.
 * <b>Internal</b>: used by the command line and the writers; it may change without notice.
 */
package dev.gbp.io;
