/**
 * Drawing maps and images as gbp draws them. <b>Public API.</b>
 *
 * <p>{@link dev.gbp.render.Normalization} turns a map into colours (the normalisations every output names:
 * {@code color}, {@code gray}, {@code positive}, {@code negative}, {@code diverging});
 * {@link dev.gbp.render.Pictures} makes pictures of maps and images, lays them out and writes PNG files. Plain
 * JDK ({@code java.awt}, {@code javax.imageio}).
 */
package dev.gbp.render;
