package dev.gbp.onnx;

import dev.gbp.onnx.proto.Onnx.AttributeProto;
import dev.gbp.onnx.proto.Onnx.NodeProto;
import dev.gbp.onnx.proto.Onnx.TensorProto;
import java.nio.charset.StandardCharsets;

/** A node's attributes by name, with ONNX's defaults given by the caller. */
final class Attrs {
    private Attrs() {}

    static AttributeProto find(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    static boolean has(NodeProto n, String name) {
        return find(n, name) != null;
    }

    static long i(NodeProto n, String name, long def) {
        AttributeProto a = find(n, name);
        return a == null ? def : a.getI();
    }

    static float f(NodeProto n, String name, float def) {
        AttributeProto a = find(n, name);
        return a == null ? def : a.getF();
    }

    static long[] ints(NodeProto n, String name, long[] def) {
        AttributeProto a = find(n, name);
        if (a == null) {
            return def;
        }
        long[] v = new long[a.getIntsCount()];
        for (int k = 0; k < v.length; k++) {
            v[k] = a.getInts(k);
        }
        return v;
    }

    static float[] floats(NodeProto n, String name) {
        AttributeProto a = find(n, name);
        if (a == null) {
            return null;
        }
        float[] v = new float[a.getFloatsCount()];
        for (int k = 0; k < v.length; k++) {
            v[k] = a.getFloats(k);
        }
        return v;
    }

    static String s(NodeProto n, String name, String def) {
        AttributeProto a = find(n, name);
        return a == null ? def : a.getS().toString(StandardCharsets.UTF_8);
    }

    static TensorProto t(NodeProto n, String name) {
        AttributeProto a = find(n, name);
        return a == null || !a.hasT() ? null : a.getT();
    }
}
