/**
 * Training a network on CIFAR-10: augmentation, the one-cycle schedule, SGD with Nesterov momentum and the
 * training loop behind {@code gbp train}. <b>Internal</b>: its API is shaped by that command and may change
 * without notice; train with the command and load the bundle it writes ({@link dev.gbp.model.Network#load}).
 */
package dev.gbp.train;
