/**
 * Dataset-scale jobs on Spark: the neuron atlas of {@code gbp atlas} (a mergeable per-channel top-k, the scan and
 * reconstruction stages) and the maps of {@code gbp explain --format parquet}. <b>Internal</b> for now: it needs
 * Spark, an optional dependency of {@code dev.gbp:gbp}, and its interface is the commands and the files they write
 * ({@code atlas.json}, {@code explain.json}, the Parquet tables); the classes may change without notice.
 */
package dev.gbp.atlas;
