/**
 * The ONNX protobuf messages, generated at build time from {@code src/main/proto/onnx.proto} (the subset of ONNX
 * that {@code gbp import} reads). <b>Internal</b>: {@link dev.gbp.onnx.OnnxImporter} is the way in.
 */
package dev.gbp.onnx.proto;
