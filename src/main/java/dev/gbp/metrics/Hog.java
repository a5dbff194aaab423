package dev.gbp.metrics;

/**
 * Histogram of oriented gradients of a grey map, as scikit-image's {@code skimage.feature.hog} with
 * {@code orientations=9, pixels_per_cell=(4, 4), cells_per_block=(2, 2), block_norm='L2-Hys'} on a
 * 2-D image. Adebayo et al. (2018) use the rank correlation of HOG features as a similarity between
 * saliency maps that looks at local edge structure and is insensitive to the maps' overall scale.
 *
 * <p>The steps, each as scikit-image does them:
 * <ol>
 *   <li>Gradients by central differences with the kernel [-1, 0, 1] (not halved): g_row(y, x) =
 *       I(y+1, x) - I(y-1, x) and g_col(y, x) = I(y, x+1) - I(y, x-1); they are 0 on the first and
 *       last row (g_row) and column (g_col).</li>
 *   <li>Magnitude hypot(g_col, g_row) and unsigned orientation atan2(g_row, g_col) in degrees, taken
 *       modulo 180 into [0, 180).</li>
 *   <li>For each 4 x 4 cell, 9 bins of 20 degrees; bin i collects [20 i, 20 (i+1)). Each pixel adds its
 *       magnitude to its own bin only (no interpolation between bins or cells), and each bin is divided
 *       by the cell area 16. Pixels beyond the last whole cell are ignored.</li>
 *   <li>Blocks of 2 x 2 cells sliding by one cell. Each block's 36 values are normalised by L2-Hys:
 *       v / sqrt(|v|^2 + eps^2) with eps = 1e-5, clipped at 0.2, then normalised again the same way.</li>
 * </ol>
 * The feature vector lists blocks row by row, and within a block cells row by row, then the 9 bins:
 * index ((((blockRow * blocksPerRow + blockCol) * 2 + cellRow) * 2 + cellCol) * 9 + bin). For a 32 x 32
 * map that is 7 x 7 blocks x 2 x 2 cells x 9 bins = 1764 values.
 */
public final class Hog {
    /** Orientation bins over 0..180 degrees. */
    public static final int ORIENTATIONS = 9;
    /** Cell side in pixels. */
    public static final int CELL = 4;
    /** Block side in cells. */
    public static final int BLOCK = 2;
    private static final double EPS = 1e-5;
    private static final double CLIP = 0.2;
    private static final double BIN_DEGREES = 180.0 / ORIENTATIONS;

    private Hog() {}

    /**
     * HOG features of the h x w grey map {@code gray} (row-major); see the class documentation.
     *
     * @param gray the map, h x w row-major
     * @param h its height
     * @param w its width
     * @return the feature vector
     * @throws IllegalArgumentException if the length is not h*w or the map has fewer than 2 x 2 cells
     */
    public static float[] features(float[] gray, int h, int w) {
        if (h <= 0 || w <= 0 || gray.length != (long) h * w) {
            throw new IllegalArgumentException("map of length " + gray.length + " is not " + h + " x " + w);
        }
        int cellsRow = h / CELL;
        int cellsCol = w / CELL;
        if (cellsRow < BLOCK || cellsCol < BLOCK) {
            throw new IllegalArgumentException("HOG needs at least " + BLOCK * CELL + " x " + BLOCK * CELL + " pixels, got " + h + " x " + w);
        }
        double[][][] hist = cellHistograms(gray, h, w, cellsRow, cellsCol);
        int blocksRow = cellsRow - BLOCK + 1;
        int blocksCol = cellsCol - BLOCK + 1;
        int blockLen = BLOCK * BLOCK * ORIENTATIONS;
        float[] out = new float[blocksRow * blocksCol * blockLen];
        double[] block = new double[blockLen];
        for (int br = 0; br < blocksRow; br++) {
            for (int bc = 0; bc < blocksCol; bc++) {
                int k = 0;
                for (int cr = 0; cr < BLOCK; cr++) {
                    for (int cc = 0; cc < BLOCK; cc++) {
                        for (int o = 0; o < ORIENTATIONS; o++) {
                            block[k++] = hist[br + cr][bc + cc][o];
                        }
                    }
                }
                normalizeL2(block);
                for (int i = 0; i < blockLen; i++) {
                    block[i] = Math.min(block[i], CLIP);
                }
                normalizeL2(block);
                int base = (br * blocksCol + bc) * blockLen;
                for (int i = 0; i < blockLen; i++) {
                    out[base + i] = (float) block[i];
                }
            }
        }
        return out;
    }

    /** Magnitude-weighted orientation histograms per cell, each bin divided by the cell area. */
    private static double[][][] cellHistograms(float[] gray, int h, int w, int cellsRow, int cellsCol) {
        double[][][] hist = new double[cellsRow][cellsCol][ORIENTATIONS];
        for (int y = 0; y < cellsRow * CELL; y++) {
            for (int x = 0; x < cellsCol * CELL; x++) {
                double gRow = y == 0 || y == h - 1 ? 0 : (double) gray[(y + 1) * w + x] - gray[(y - 1) * w + x];
                double gCol = x == 0 || x == w - 1 ? 0 : (double) gray[y * w + x + 1] - gray[y * w + x - 1];
                int bin = bin(Math.toDegrees(Math.atan2(gRow, gCol)));
                if (bin >= 0) {
                    hist[y / CELL][x / CELL][bin] += Math.hypot(gCol, gRow);
                }
            }
        }
        for (double[][] row : hist) {
            for (double[] cell : row) {
                for (int o = 0; o < ORIENTATIONS; o++) {
                    cell[o] /= CELL * CELL;
                }
            }
        }
        return hist;
    }

    /**
     * The bin of an angle in degrees, taken modulo 180 as Python's {@code %} does (result in [0, 180],
     * where a tiny negative angle rounds to exactly 180 and, as in scikit-image, falls in no bin: -1).
     */
    private static int bin(double degrees) {
        double a = degrees % 180;
        if (a < 0) {
            a += 180;
        }
        int bin = (int) (a / BIN_DEGREES);
        // Guard the division against rounding so that bin i is exactly [20 i, 20 (i+1)).
        if (bin < ORIENTATIONS && a >= BIN_DEGREES * (bin + 1)) {
            bin++;
        } else if (bin > 0 && a < BIN_DEGREES * bin) {
            bin--;
        }
        return bin < ORIENTATIONS ? bin : -1;
    }

    private static void normalizeL2(double[] v) {
        double ss = 0;
        for (double x : v) {
            ss += x * x;
        }
        double norm = Math.sqrt(ss + EPS * EPS);
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
    }
}
