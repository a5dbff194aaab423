/**
 * What the commands write: explain outputs ({@code maps.npy}, {@code index.json}, {@code index.csv}, PNGs), the
 * gallery, demo and report pages, the sanity-check and faithfulness pages and activation dumps. <b>Internal</b>:
 * the files are documented in the README and the commands' help; the classes may change without notice.
 */
package dev.gbp.report;
