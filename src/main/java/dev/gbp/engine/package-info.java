/**
 * The deep-learning engine: starting PyTorch, its one call that DJL does not expose, the memory layout of image
 * batches, and copying arrays out of it.
 * <b>Public API</b> ({@link dev.gbp.engine.TorchRuntime}); {@link dev.gbp.engine.SeededBackward},
 * {@link dev.gbp.engine.HostCopy} and {@link dev.gbp.engine.ChannelsLast} (the memory layout every convolution runs
 * in) are internal.
 *
 * <p>A library user calls {@link dev.gbp.engine.TorchRuntime#start(int)} before anything touches DJL (before
 * {@code NDManager.newBaseManager()}): it starts the engine offline (no network look-ups, no telemetry) with the
 * chosen number of threads.
 */
package dev.gbp.engine;
