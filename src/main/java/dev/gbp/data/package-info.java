/**
 * Images: PNG and JPEG files, CIFAR-10's binary records, and where CIFAR-10 lives. <b>Public API.</b>
 *
 * <p>{@link dev.gbp.data.ImageFiles} reads pictures (and CIFAR {@code .bin} files) at a model's input size;
 * {@link dev.gbp.data.CifarReader} reads CIFAR-10 by split; both give {@link dev.gbp.data.CifarImages}, a set of
 * images of one size with labels, which a {@link dev.gbp.model.Network} preprocesses.
 * {@link dev.gbp.data.DataLocator} and {@link dev.gbp.data.Downloader} find or fetch CIFAR-10. Bad or missing input
 * throws {@link dev.gbp.data.DataException}, naming the file or record; a failed download
 * {@link dev.gbp.data.FetchException}.
 */
package dev.gbp.data;
