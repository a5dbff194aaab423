package dev.gbp.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.model.NpyArray;
import dev.gbp.model.Npz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An imported network: the input size [C, H, W], the number of outputs, the {@code gbp-model/2} nodes in
 * topological order (the last is the output) and their arrays by name.
 */
public record ImportedModel(int[] input, int outputs, List<ObjectNode> nodes, Map<String, NpyArray> arrays) {
    public static final String FORMAT = "gbp-model/2";

    public ImportedModel {
        nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
    }

    /** Class names "0", "1", ... for when none are given. */
    public List<String> defaultClasses() {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            c.add(Integer.toString(i));
        }
        return c;
    }

    /** model.json's content. */
    public ObjectNode json(double[] mean, double[] std, List<String> classes) {
        if (mean.length != input[0] || std.length != input[0]) {
            throw new IllegalArgumentException("mean and std need " + input[0] + " values each (one per input channel)");
        }
        if (classes.size() != outputs) {
            throw new IllegalArgumentException(classes.size() + " class names for " + outputs + " outputs");
        }
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("format", FORMAT);
        ArrayNode in = o.putArray("input");
        for (int d : input) {
            in.add(d);
        }
        ArrayNode c = o.putArray("classes");
        classes.forEach(c::add);
        ObjectNode norm = o.putObject("normalize");
        ArrayNode mn = norm.putArray("mean");
        ArrayNode sd = norm.putArray("std");
        for (int i = 0; i < mean.length; i++) {
            mn.add(mean[i]);
            sd.add(std[i]);
        }
        ArrayNode ns = o.putArray("nodes");
        nodes.forEach(ns::add);
        return o;
    }

    /** Writes model.json and weights.npz into {@code dir} (an existing, empty folder). */
    public void write(Path dir, double[] mean, double[] std, List<String> classes) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(dir.resolve("model.json"), m.writeValueAsString(json(mean, std, classes)) + "\n", StandardCharsets.UTF_8);
        Npz.write(dir.resolve("weights.npz"), arrays);
    }
}
