"""What the architecture generators here share: the nodes of a gbp-model/2 graph, and the CIFAR-10 architecture file
around them (3 x 32 x 32 input, the ten classes, CIFAR-10's normalisation, which `gbp train` replaces by the training
data's), written to standard output."""
import json
import sys

nodes = []


def node(type_, name, inputs, **fields):
    """Appends a node reading the named nodes (or "input") and returns its name, for the next node's inputs."""
    nodes.append(dict(type=type_, name=name, inputs=inputs, **fields))
    return name


def write():
    json.dump({"format": "gbp-model/2", "input": [3, 32, 32],
               "classes": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
               "normalize": {"mean": [0.4914, 0.4822, 0.4465], "std": [0.247, 0.2435, 0.2616]},
               "nodes": nodes}, sys.stdout, indent=1)
    print()
