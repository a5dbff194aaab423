/**
 * The neuron atlas of {@code gbp atlas}: a mergeable per-channel top-k, the scan and reconstruction stages, and the
 * Spark job around them. <b>Internal</b> for now: it needs Spark, an optional dependency of {@code dev.gbp:gbp}, and
 * its interface is the command and the files it writes ({@code atlas.json}, the Parquet table); the classes may
 * change without notice.
 */
package dev.gbp.atlas;
