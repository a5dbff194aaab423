/**
 * ONNX import: an ONNX CNN to a {@code gbp-model/2} bundle. <b>Public API</b> ({@link dev.gbp.onnx.OnnxImporter},
 * {@link dev.gbp.onnx.ImportedModel}, {@link dev.gbp.onnx.OnnxException}); the rest of the package is internal.
 *
 * <p>{@link dev.gbp.onnx.OnnxImporter#read} reads a file, folds the exporters' shape subgraphs into constants and
 * maps every supported operator onto a node; {@link dev.gbp.onnx.ImportedModel#write} writes the bundle with the
 * input normalisation and class names the ONNX file does not hold. docs/ONNX.md lists the operators.
 */
package dev.gbp.onnx;
