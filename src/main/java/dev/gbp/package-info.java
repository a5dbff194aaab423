/**
 * gbp: guided backpropagation and the gradient methods it is compared with, for CNNs on the JVM (DJL and
 * PyTorch). <b>Public API.</b>
 *
 * <p>This package holds {@link dev.gbp.GbpInputException}, the one exception type that means "the input is bad,
 * not gbp". The public packages are {@code dev.gbp}, {@link dev.gbp.attr} (methods, targets, results),
 * {@link dev.gbp.model} (model bundles and networks), {@link dev.gbp.data} (images), {@link dev.gbp.onnx} (ONNX
 * import), {@link dev.gbp.render} (drawing maps), {@link dev.gbp.eval} (sanity checks, faithfulness),
 * {@link dev.gbp.metrics} (similarity measures) and {@link dev.gbp.engine} (starting the engine). The command
 * line and everything only it uses ({@code cli}, {@code report}, {@code explore}, {@code train}, {@code io},
 * {@code onnx.proto}) is internal and may change without notice; docs/DESIGN.md, "Public API", says why.
 *
 * <p>A first explanation, as in {@code examples/library-quickstart}:
 * <pre>{@code
 * TorchRuntime.start(1);    // the engine, offline and with one thread, before anything else touches DJL
 * try (NDManager manager = NDManager.newBaseManager();
 *         Network net = Network.load(Path.of("models/cifar10-seed"), manager)) {
 *     int[] in = net.spec().input();   // C, H, W
 *     CifarImages image = ImageFiles.read(List.of(png), in[0], in[1], in[2], ImageFiles.Resize.STRETCH,
 *             new ArrayList<>(), new ArrayList<>(), resized -> { });
 *     AttributionResult r = GuidedBackprop.of(net)
 *             .attribute(net.preprocess(manager, image, 0, 1), Target.maxNeuron("conv3_relu"));
 *     NeuronChoice neuron = r.choice(0);
 * }
 * }</pre>
 */
package dev.gbp;
