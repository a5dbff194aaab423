/**
 * Pure-JDK numerical helpers for judging saliency maps: channel reductions and percentiles, rank and
 * structural similarity, HOG features, deletion/insertion curve summaries and a small PNG line chart.
 * <b>Public API.</b>
 *
 * <p>They back the sanity checks of Adebayo et al. (2018, "Sanity Checks for Saliency Maps"), which
 * compare maps before and after randomising a model by Spearman rank correlation, SSIM and HOG
 * similarity, and the deletion/insertion faithfulness curves of Petsiuk et al. (2018, RISE), which
 * are summarised by their area. Each definition follows the reference implementation those papers
 * used (numpy, scipy, scikit-image) so that numbers can be compared with published ones. The package
 * depends on nothing but the JDK so that it can be tested, and trusted, without a deep-learning
 * engine. Maps are {@code float[]} in C x H x W row-major order.
 */
package dev.gbp.metrics;
