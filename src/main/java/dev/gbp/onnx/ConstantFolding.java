package dev.gbp.onnx;

import dev.gbp.onnx.proto.Onnx.NodeProto;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Evaluates the small shape computations exporters write (Shape, Gather, Unsqueeze, Concat, Slice, Cast,
 * ConstantOfShape, Reshape, arithmetic ...) when every input is a constant.
 */
final class ConstantFolding {
    private ConstantFolding() {}

    /** The operators folded when all their inputs are constants. */
    static final Set<String> OPS = Set.of("Identity", "Cast", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice",
            "ConstantOfShape", "Reshape", "Flatten", "Add", "Sub", "Mul", "Div", "Equal", "Where", "Transpose", "Neg",
            "Range");

    /** The folded output of {@code n}; {@code in.get(i)} is null for an absent optional input. */
    static Tensor fold(NodeProto n, List<Tensor> in) {
        switch (n.getOpType()) {
            case "Identity": return in.get(0);
            case "Cast": return cast(in.get(0), (int) Attrs.i(n, "to", 1));
            case "Gather": return gather(in.get(0), in.get(1), (int) Attrs.i(n, "axis", 0));
            case "Unsqueeze": return unsqueeze(in.get(0), axes(n, in));
            case "Squeeze": return squeeze(in.get(0), axes(n, in));
            case "Concat": return concat(in, (int) Attrs.i(n, "axis", 0));
            case "Slice": return slice(n, in);
            case "ConstantOfShape": return constantOfShape(n, in.get(0));
            case "Reshape": return in.get(0).reshape(reshape(in.get(0).dims, in.get(1).longData(), Attrs.i(n, "allowzero", 0) != 0));
            case "Flatten": return flatten(in.get(0), (int) Attrs.i(n, "axis", 1));
            case "Transpose": return transpose(in.get(0), Attrs.ints(n, "perm", null));
            case "Neg": return binary(Tensor.scalar(0), in.get(0), "Sub");
            case "Range": return range(in.get(0), in.get(1), in.get(2));
            case "Where": return where(in.get(0), in.get(1), in.get(2));
            default: return binary(in.get(0), in.get(1), n.getOpType());
        }
    }

    private static long[] axes(NodeProto n, List<Tensor> in) {
        if (in.size() > 1 && in.get(1) != null) {
            return in.get(1).longData();
        }
        return Attrs.ints(n, "axes", null);
    }

    static Tensor cast(Tensor t, int to) {
        switch (to) {
            case 1: case 10: case 11: case 16:
                return t.isFloat() ? t : Tensor.floats(t.dims, t.floatData());
            case 9: {
                long[] v = new long[t.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = t.get(i) != 0 ? 1 : 0;
                }
                return Tensor.longs(t.dims, v);
            }
            default:
                return t.isFloat() ? Tensor.longs(t.dims, t.longData()) : t;
        }
    }

    static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    static Tensor gather(Tensor data, Tensor indices, int axisAttr) {
        int axis = axis(axisAttr, data.rank());
        long[] d = data.dims;
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= d[i];
        }
        long inner = 1;
        for (int i = axis + 1; i < d.length; i++) {
            inner *= d[i];
        }
        long[] outDims = new long[d.length - 1 + indices.rank()];
        System.arraycopy(d, 0, outDims, 0, axis);
        System.arraycopy(indices.dims, 0, outDims, axis, indices.rank());
        System.arraycopy(d, axis + 1, outDims, axis + indices.rank(), d.length - axis - 1);
        int[] idx = new int[Tensor.foldedSize(outDims)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (int j = 0; j < indices.size(); j++) {
                long ix = indices.getLong(j);
                if (ix < 0) {
                    ix += d[axis];
                }
                if (ix < 0 || ix >= d[axis]) {
                    throw new IllegalArgumentException("index " + indices.getLong(j) + " is out of range for size " + d[axis]);
                }
                for (long in = 0; in < inner; in++) {
                    idx[k++] = (int) ((o * d[axis] + ix) * inner + in);
                }
            }
        }
        return data.pick(outDims, idx);
    }

    static Tensor unsqueeze(Tensor t, long[] axes) {
        int rank = t.rank() + axes.length;
        boolean[] ones = new boolean[rank];
        for (long a : axes) {
            ones[axis(a, rank)] = true;
        }
        long[] dims = new long[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            dims[i] = ones[i] ? 1 : t.dims[k++];
        }
        return t.reshape(dims);
    }

    static Tensor squeeze(Tensor t, long[] axes) {
        boolean[] drop = new boolean[t.rank()];
        if (axes == null) {
            for (int i = 0; i < t.rank(); i++) {
                drop[i] = t.dims[i] == 1;
            }
        } else {
            for (long a : axes) {
                int ax = axis(a, t.rank());
                if (t.dims[ax] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + a + " of size " + t.dims[ax]);
                }
                drop[ax] = true;
            }
        }
        return t.reshape(keep(t.dims, drop));
    }

    private static long[] keep(long[] dims, boolean[] drop) {
        return java.util.stream.IntStream.range(0, dims.length).filter(i -> !drop[i]).mapToLong(i -> dims[i]).toArray();
    }

    static Tensor concat(List<Tensor> in, int axisAttr) {
        Tensor first = in.get(0);
        int axis = axis(axisAttr, first.rank());
        long[] dims = first.dims.clone();
        dims[axis] = 0;
        boolean anyFloat = false;
        for (Tensor t : in) {
            if (t.rank() != first.rank()) {
                throw new IllegalArgumentException("Concat of tensors of ranks " + first.rank() + " and " + t.rank());
            }
            dims[axis] += t.dims[axis];
            anyFloat |= t.isFloat();
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= dims[i];
        }
        long inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        int n = Tensor.foldedSize(dims);
        float[] fv = anyFloat ? new float[n] : null;
        long[] lv = anyFloat ? null : new long[n];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (Tensor t : in) {
                long chunk = t.dims[axis] * inner;
                for (long j = 0; j < chunk; j++) {
                    int src = (int) (o * chunk + j);
                    if (anyFloat) {
                        fv[k++] = (float) t.get(src);
                    } else {
                        lv[k++] = t.getLong(src);
                    }
                }
            }
        }
        return anyFloat ? Tensor.floats(dims, fv) : Tensor.longs(dims, lv);
    }

    private static Tensor slice(NodeProto n, List<Tensor> in) {
        Tensor data = in.get(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (in.size() > 1) {
            starts = in.get(1).longData();
            ends = in.get(2).longData();
            axes = in.size() > 3 && in.get(3) != null ? in.get(3).longData() : null;
            steps = in.size() > 4 && in.get(4) != null ? in.get(4).longData() : null;
        } else {
            starts = Attrs.ints(n, "starts", null);
            ends = Attrs.ints(n, "ends", null);
            axes = Attrs.ints(n, "axes", null);
        }
        int r = data.rank();
        long[] begin = new long[r];
        long[] step = new long[r];
        long[] count = data.dims.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int ax = axis(axes == null ? i : axes[i], r);
            long dim = data.dims[ax];
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw new IllegalArgumentException("Slice with step 0");
            }
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0) {
                s = Math.max(0, Math.min(s, dim));
                e = Math.max(0, Math.min(e, dim));
                count[ax] = Math.max(0, (e - s + st - 1) / st);
            } else {
                s = Math.max(-1, Math.min(s, dim - 1));
                e = Math.max(-1, Math.min(e, dim - 1));
                count[ax] = Math.max(0, (s - e + (-st) - 1) / (-st));
            }
            begin[ax] = s;
            step[ax] = st;
        }
        long[] srcStrides = Tensor.strides(data.dims);
        int total = Tensor.foldedSize(count);
        int[] idx = new int[total];
        long[] pos = new long[r];
        for (int k = 0; k < total; k++) {
            long src = 0;
            for (int a = 0; a < r; a++) {
                src += (begin[a] + pos[a] * step[a]) * srcStrides[a];
            }
            idx[k] = (int) src;
            for (int a = r - 1; a >= 0; a--) {
                if (++pos[a] < count[a]) {
                    break;
                }
                pos[a] = 0;
            }
        }
        return data.pick(count, idx);
    }

    private static Tensor constantOfShape(NodeProto n, Tensor shape) {
        long[] dims = shape.longData();
        var value = Attrs.t(n, "value");
        Tensor v = value == null ? Tensor.floats(new long[] {1}, new float[] {0}) : Tensor.read(value, "the value of " + n.getName());
        int size = Tensor.foldedSize(dims);
        return v.pick(dims, new int[size]);
    }

    /** ONNX Reshape's output dims: 0 copies the input's dim (unless allowzero), one -1 is inferred. */
    static long[] reshape(long[] in, long[] target, boolean allowZero) {
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new IllegalArgumentException("Reshape copies dim " + i + " of an input of rank " + in.length);
                }
                out[i] = in[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape target " + Arrays.toString(target) + " has two -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("Reshape target " + Arrays.toString(target) + " has a negative size");
            } else {
                known *= out[i];
            }
        }
        long total = Tensor.size(in);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("Reshape of " + Arrays.toString(in) + " to " + Arrays.toString(target));
            }
            out[infer] = total / known;
        } else if (known != total) {
            throw new IllegalArgumentException("Reshape of " + Arrays.toString(in) + " to " + Arrays.toString(target));
        }
        return out;
    }

    private static Tensor flatten(Tensor t, int axisAttr) {
        int axis = axisAttr < 0 ? axisAttr + t.rank() : axisAttr;
        long a = 1;
        for (int i = 0; i < axis; i++) {
            a *= t.dims[i];
        }
        return t.reshape(new long[] {a, t.size() / Math.max(a, 1)});
    }

    private static Tensor transpose(Tensor t, long[] perm) {
        int r = t.rank();
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        long[] dims = new long[r];
        for (int i = 0; i < r; i++) {
            dims[i] = t.dims[(int) perm[i]];
        }
        long[] srcStrides = Tensor.strides(t.dims);
        int total = t.size();
        int[] idx = new int[total];
        long[] pos = new long[r];
        for (int k = 0; k < total; k++) {
            long src = 0;
            for (int a = 0; a < r; a++) {
                src += pos[a] * srcStrides[(int) perm[a]];
            }
            idx[k] = (int) src;
            for (int a = r - 1; a >= 0; a--) {
                if (++pos[a] < dims[a]) {
                    break;
                }
                pos[a] = 0;
            }
        }
        return t.pick(dims, idx);
    }

    private static Tensor range(Tensor start, Tensor limit, Tensor delta) {
        double s = start.get(0);
        double l = limit.get(0);
        double d = delta.get(0);
        double count = Math.max(Math.ceil((l - s) / d), 0);
        if (!(count <= Tensor.MAX_FOLDED_VALUES)) {
            throw new OnnxException("Range(" + s + ", " + l + ", " + d + ") would hold more than " + Tensor.MAX_FOLDED_VALUES
                    + " values");
        }
        int n = (int) count;
        if (start.isFloat()) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (s + i * d);
            }
            return Tensor.floats(new long[] {n}, v);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = (long) s + i * (long) d;
        }
        return Tensor.longs(new long[] {n}, v);
    }

    /** numpy-style broadcast dims of a and b. */
    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            long y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    /** Flat index into a tensor of {@code dims} for each position of the broadcast {@code out} dims. */
    static int[] broadcastIndex(long[] dims, long[] out) {
        int r = out.length;
        long[] st = Tensor.strides(dims);
        int total = Tensor.foldedSize(out);
        int[] idx = new int[total];
        long[] pos = new long[r];
        int off = r - dims.length;
        for (int k = 0; k < total; k++) {
            long src = 0;
            for (int a = off; a < r; a++) {
                if (dims[a - off] != 1) {
                    src += pos[a] * st[a - off];
                }
            }
            idx[k] = (int) src;
            for (int a = r - 1; a >= 0; a--) {
                if (++pos[a] < out[a]) {
                    break;
                }
                pos[a] = 0;
            }
        }
        return idx;
    }

    private static Tensor binary(Tensor a, Tensor b, String op) {
        long[] dims = broadcast(a.dims, b.dims);
        int[] ia = broadcastIndex(a.dims, dims);
        int[] ib = broadcastIndex(b.dims, dims);
        int n = ia.length;
        if (op.equals("Equal")) {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = a.get(ia[i]) == b.get(ib[i]) ? 1 : 0;
            }
            return Tensor.longs(dims, v);
        }
        if (a.isFloat() || b.isFloat()) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                double x = a.get(ia[i]);
                double y = b.get(ib[i]);
                v[i] = (float) (op.equals("Add") ? x + y : op.equals("Sub") ? x - y : op.equals("Mul") ? x * y : x / y);
            }
            return Tensor.floats(dims, v);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            long x = a.getLong(ia[i]);
            long y = b.getLong(ib[i]);
            if (op.equals("Div") && y == 0) {
                throw new IllegalArgumentException("integer division by zero");
            }
            v[i] = op.equals("Add") ? x + y : op.equals("Sub") ? x - y : op.equals("Mul") ? x * y : x / y;
        }
        return Tensor.longs(dims, v);
    }

    static Tensor where(Tensor cond, Tensor x, Tensor y) {
        long[] dims = broadcast(broadcast(cond.dims, x.dims), y.dims);
        int[] ic = broadcastIndex(cond.dims, dims);
        int[] ix = broadcastIndex(x.dims, dims);
        int[] iy = broadcastIndex(y.dims, dims);
        int n = ic.length;
        if (x.isFloat() || y.isFloat()) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (cond.get(ic[i]) != 0 ? x.get(ix[i]) : y.get(iy[i]));
            }
            return Tensor.floats(dims, v);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = cond.get(ic[i]) != 0 ? x.getLong(ix[i]) : y.getLong(iy[i]);
        }
        return Tensor.longs(dims, v);
    }
}
