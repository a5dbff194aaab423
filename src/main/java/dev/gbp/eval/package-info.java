/**
 * Evaluation of maps apart from the methods: the sanity checks of Adebayo et al. (2018) and deletion and
 * insertion curves. <b>Public API.</b>
 *
 * <p>{@link dev.gbp.eval.SanityCheck} re-explains images on networks whose weights {@link dev.gbp.eval.Randomizer}
 * re-drew, block by block, and compares the maps with {@link dev.gbp.eval.MapComparison};
 * {@link dev.gbp.eval.Faithfulness} deletes or inserts pixels in the order a map ranks them. This package only
 * consumes maps: it never reaches into a method.
 */
package dev.gbp.eval;
