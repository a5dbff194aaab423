package dev.gbp.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reading and writing the fields of a node in {@code model.json}, with messages that name the node and field. Numbers
 * are taken only when they are what the field needs: integers that fit an int (never wrapped), finite floats.
 */
final class Fields {
    private Fields() {}

    static int positiveInt(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new ModelException(where + ": missing \"" + field + "\"");
        }
        if (!isInt(v) || v.asInt() < 1) {
            throw new ModelException(where + ": \"" + field + "\" must be a positive integer (at most " + Integer.MAX_VALUE
                    + "), got " + shown(v));
        }
        return v.asInt();
    }

    /** Whether {@code v} is a JSON integer that an int holds exactly (Jackson's asInt() would wrap a larger one). */
    static boolean isInt(JsonNode v) {
        return v.isIntegralNumber() && v.canConvertToInt();
    }

    /** A value from the file for a message, cut to a sane length. */
    static String shown(JsonNode v) {
        if (v.isFloatingPointNumber() && !Double.isFinite(v.asDouble())) {
            return "a number beyond the range of a double (read as " + v.asDouble() + ")";
        }
        return dev.gbp.GbpInputException.quote(v.toString());
    }

    static int positiveInt(JsonNode node, String field, int dflt, String where) {
        return node.has(field) ? positiveInt(node, field, where) : dflt;
    }

    /** An {@code [h, w]} pair, or one integer for both. */
    static int[] pair(JsonNode node, String field, int[] dflt, String where, int min) {
        JsonNode v = node.get(field);
        if (v == null) {
            if (dflt == null) {
                throw new ModelException(where + ": missing \"" + field + "\"");
            }
            return dflt.clone();
        }
        int[] out = ints(v, field, where, 1, 2);
        if (out.length == 1) {
            out = new int[] {out[0], out[0]};
        }
        check(out, min, field, v, where);
        return out;
    }

    /** Padding as {top, left, bottom, right}: one integer, an {@code [h, w]} pair, or four integers. */
    static int[] padding(JsonNode node, String where) {
        JsonNode v = node.get("padding");
        if (v == null) {
            return new int[] {0, 0, 0, 0};
        }
        int[] in = ints(v, "padding", where, 1, 2, 4);
        check(in, 0, "padding", v, where);
        switch (in.length) {
            case 1:
                return new int[] {in[0], in[0], in[0], in[0]};
            case 2:
                return new int[] {in[0], in[1], in[0], in[1]};
            default:
                return in;
        }
    }

    private static int[] ints(JsonNode v, String field, String where, int... lengths) {
        if (isInt(v)) {
            return new int[] {v.asInt()};
        }
        if (v.isArray()) {
            for (int len : lengths) {
                if (len > 1 && v.size() == len) {
                    int[] out = new int[len];
                    boolean ok = true;
                    for (int i = 0; i < len; i++) {
                        ok &= isInt(v.get(i));
                        out[i] = v.get(i).asInt();
                    }
                    if (ok) {
                        return out;
                    }
                }
            }
        }
        String forms = lengths.length == 3 ? "an integer, an [h, w] pair or [top, left, bottom, right]"
                : "an integer or an [h, w] pair";
        throw new ModelException(where + ": \"" + field + "\" must be " + forms + " (each at most 2^20), got " + shown(v));
    }

    private static void check(int[] values, int min, String field, JsonNode v, String where) {
        for (int x : values) {
            if (x < min || x > 1 << 20) {
                throw new ModelException(where + ": \"" + field + "\" must be at least " + min
                        + " (and at most 2^20), got " + shown(v));
            }
        }
    }

    static boolean bool(JsonNode node, String field, boolean dflt, String where) {
        JsonNode v = node.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ModelException(where + ": \"" + field + "\" must be true or false, got " + shown(v));
        }
        return v.asBoolean();
    }

    static double number(JsonNode node, String field, double dflt, String where) {
        JsonNode v = node.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new ModelException(where + ": \"" + field + "\" must be a finite number, got " + shown(v));
        }
        return v.asDouble();
    }

    static void putPair(ObjectNode o, String field, int[] v) {
        if (v[0] == v[1]) {
            o.put(field, v[0]);
        } else {
            o.putArray(field).add(v[0]).add(v[1]);
        }
    }

    /** Writes padding in its shortest form. */
    static void putPadding(ObjectNode o, int[] p) {
        if (p[0] == p[2] && p[1] == p[3]) {
            putPair(o, "padding", new int[] {p[0], p[1]});
        } else {
            o.putArray("padding").add(p[0]).add(p[1]).add(p[2]).add(p[3]);
        }
    }
}
