package dev.gbp.onnx;

import dev.gbp.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A constant of the ONNX graph (initializer, Constant node or a folded shape computation): row-major values
 * with their dims, held as floats (FLOAT, DOUBLE) or as longs (integer and boolean types).
 */
final class Tensor {
    final long[] dims;
    private final float[] f;
    private final long[] l;

    private Tensor(long[] dims, float[] f, long[] l) {
        this.dims = dims.clone();
        this.f = f;
        this.l = l;
        long n = size(dims);
        if ((f != null ? f.length : l.length) != n) {
            throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " hold " + n + " values, not "
                    + (f != null ? f.length : l.length));
        }
    }

    static Tensor floats(long[] dims, float[] values) {
        return new Tensor(dims, values, null);
    }

    static Tensor longs(long[] dims, long[] values) {
        return new Tensor(dims, null, values);
    }

    static Tensor scalar(long v) {
        return longs(new long[0], new long[] {v});
    }

    static Tensor vector(long... v) {
        return longs(new long[] {v.length}, v);
    }

    boolean isFloat() {
        return f != null;
    }

    int size() {
        return f != null ? f.length : l.length;
    }

    int rank() {
        return dims.length;
    }

    double get(int i) {
        return f != null ? f[i] : l[i];
    }

    long getLong(int i) {
        return f != null ? (long) f[i] : l[i];
    }

    /** The values as floats (a copy for integer tensors, the array itself for float ones). */
    float[] floatData() {
        if (f != null) {
            return f;
        }
        float[] out = new float[l.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = l[i];
        }
        return out;
    }

    long[] longData() {
        if (l != null) {
            return l.clone();
        }
        long[] out = new long[f.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) f[i];
        }
        return out;
    }

    Tensor reshape(long[] newDims) {
        return f != null ? floats(newDims, f) : longs(newDims, l);
    }

    /** A tensor of this one's type with {@code newDims}, element i taken from position {@code idx[i]}. */
    Tensor pick(long[] newDims, int[] idx) {
        if (f != null) {
            float[] out = new float[idx.length];
            for (int i = 0; i < idx.length; i++) {
                out[i] = f[idx[i]];
            }
            return floats(newDims, out);
        }
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = l[idx[i]];
        }
        return longs(newDims, out);
    }

    /** The number of values of {@code dims} (no negative dims), or {@link Long#MAX_VALUE} when that overflows a long. */
    static long size(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyHigh(n, d) != 0 || n * d < 0 ? Long.MAX_VALUE : n * d;
        }
        return n;
    }

    /** Most values of a tensor that import computes from constants (shapes and the like): 2^24. */
    static final long MAX_FOLDED_VALUES = 1L << 24;

    /**
     * The number of values of a tensor computed at import, checked before it is allocated.
     *
     * @throws OnnxException when a dim is negative or there are more than {@link #MAX_FOLDED_VALUES}
     */
    static int foldedSize(long[] dims) {
        for (long d : dims) {
            if (d < 0) {
                throw new OnnxException("a computed constant would have the negative dimension " + d);
            }
        }
        long n = size(dims);
        if (n > MAX_FOLDED_VALUES) {
            throw new OnnxException("a computed constant of shape " + Arrays.toString(dims) + " would hold more than "
                    + MAX_FOLDED_VALUES + " values");
        }
        return (int) n;
    }

    /** Row-major strides of {@code dims}. */
    static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    @Override
    public String toString() {
        return Arrays.toString(dims) + (size() <= 16 ? " " + (f != null ? Arrays.toString(f) : Arrays.toString(l)) : "");
    }

    /** Reads an ONNX tensor; {@code what} names it in messages ("initializer 'conv.weight'"). */
    static Tensor read(TensorProto t, String what) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(e -> e.getValue()).findFirst().orElse("another file");
            throw new OnnxException(what + " keeps its data in an external file (" + location
                    + "); gbp import reads only models with all weights inside the .onnx file");
        }
        if (t.hasSegment()) {
            throw new OnnxException(what + " is stored in segments, which gbp import does not read");
        }
        long[] dims = new long[t.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw new OnnxException(what + " has a negative dimension " + dims[i]);
            }
        }
        long n = size(dims);
        if (n > Integer.MAX_VALUE / 8) {
            throw new OnnxException(what + " is too large (" + n + " values)");
        }
        int count = (int) n;
        ByteBuffer raw = t.hasRawData() ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        int type = t.getDataType();
        TensorProto.DataType dt = TensorProto.DataType.forNumber(type);
        String typeName = dt != null ? dt.name() : "number " + type;
        // The values the file holds are counted before the dims' worth is allocated.
        switch (type) {
            case 1: { // FLOAT
                if (raw != null) {
                    checkBytes(raw, count, 4, what);
                } else {
                    checkCount(t.getFloatDataCount(), count, what);
                }
                float[] v = new float[count];
                if (raw != null) {
                    raw.asFloatBuffer().get(v);
                } else {
                    for (int i = 0; i < count; i++) {
                        v[i] = t.getFloatData(i);
                    }
                }
                return floats(dims, v);
            }
            case 11: { // DOUBLE, converted
                if (raw != null) {
                    checkBytes(raw, count, 8, what);
                } else {
                    checkCount(t.getDoubleDataCount(), count, what);
                }
                float[] v = new float[count];
                if (raw != null) {
                    for (int i = 0; i < count; i++) {
                        v[i] = (float) raw.getDouble(i * 8);
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        v[i] = (float) t.getDoubleData(i);
                    }
                }
                return floats(dims, v);
            }
            case 7: { // INT64
                if (raw != null) {
                    checkBytes(raw, count, 8, what);
                } else {
                    checkCount(t.getInt64DataCount(), count, what);
                }
                long[] v = new long[count];
                if (raw != null) {
                    raw.asLongBuffer().get(v);
                } else {
                    for (int i = 0; i < count; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                }
                return longs(dims, v);
            }
            case 2: case 3: case 4: case 5: case 6: case 9: { // UINT8 INT8 UINT16 INT16 INT32 BOOL
                int width = type == 6 ? 4 : (type == 4 || type == 5) ? 2 : 1;
                if (raw != null) {
                    checkBytes(raw, count, width, what);
                } else {
                    checkCount(t.getInt32DataCount(), count, what);
                }
                long[] v = new long[count];
                if (raw != null) {
                    for (int i = 0; i < count; i++) {
                        switch (type) {
                            case 2: case 9: v[i] = raw.get(i) & 0xff; break;
                            case 3: v[i] = raw.get(i); break;
                            case 4: v[i] = raw.getShort(i * 2) & 0xffff; break;
                            case 5: v[i] = raw.getShort(i * 2); break;
                            default: v[i] = raw.getInt(i * 4); break;
                        }
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        v[i] = t.getInt32Data(i);
                    }
                }
                return longs(dims, v);
            }
            case 12: case 13: { // UINT32 UINT64
                int width = type == 12 ? 4 : 8;
                if (raw != null) {
                    checkBytes(raw, count, width, what);
                } else {
                    checkCount(t.getUint64DataCount(), count, what);
                }
                long[] v = new long[count];
                if (raw != null) {
                    for (int i = 0; i < count; i++) {
                        v[i] = width == 4 ? raw.getInt(i * 4) & 0xffffffffL : raw.getLong(i * 8);
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        v[i] = t.getUint64Data(i);
                    }
                }
                return longs(dims, v);
            }
            default:
                throw new OnnxException(what + " has data type " + typeName
                        + "; gbp import reads FLOAT (and DOUBLE, converted to float32) weights and integer shapes");
        }
    }

    private static void checkBytes(ByteBuffer raw, int count, int width, String what) {
        if (raw.remaining() != (long) count * width) {
            throw new OnnxException(what + " has " + raw.remaining() + " bytes of raw data, not the "
                    + (long) count * width + " its dims and type need");
        }
    }

    private static void checkCount(int have, int count, String what) {
        if (have != count) {
            throw new OnnxException(what + " has " + have + " values, not the " + count + " its dims need");
        }
    }
}
