package dev.gbp.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gbp.GbpInputException;
import dev.gbp.HostileFiles;
import dev.gbp.HostileFiles.Entry;
import dev.gbp.attr.Target;
import dev.gbp.data.CifarImages;
import dev.gbp.data.CifarReader;
import dev.gbp.data.ImageFiles;
import dev.gbp.model.DefaultArchitecture;
import dev.gbp.model.ModelSpec;
import dev.gbp.model.Npy;
import dev.gbp.model.NpyArray;
import dev.gbp.model.Npz;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Property-based fuzzing of every reader of user files and strings: CIFAR {@code .bin}, {@code .npy}, {@code .npz},
 * {@code model.json}, pictures and targets. Each input is a random mutation (flipped, inserted or replaced bytes or
 * tokens, truncation) of a valid one made here, or random text. The property: the reader either returns a well-formed
 * result or throws a {@link GbpInputException} that names the file (or, for targets, the parameter), within a few
 * seconds; never anything else (no OutOfMemoryError, NullPointerException, IndexOutOfBoundsException,
 * NumberFormatException, ArithmeticException, hang). Tries are set per property to keep the suite to about 20 s.
 */
class ReadersFuzzTest {
    private static final Path DIR = tempDir();
    private static final Duration TIME_LIMIT = Duration.ofSeconds(10);

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("gbp-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A generator from a function of a seeded {@link Random} (QuickTheories varies the seed). */
    static <T> Gen<T> fromRandom(Function<Random, T> f) {
        return longs().all().map((Long seed) -> f.apply(new Random(seed)));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (var files = Files.list(DIR)) {
            for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
                Files.delete(it.next());
            }
        }
        Files.delete(DIR);
    }

    /**
     * Runs {@code read} on input that came from {@code file}: its result, or null when it refused the input with a
     * {@link GbpInputException} whose message holds {@code mustName}. Anything else fails the property.
     */
    private static <T> T readOrRefuse(String mustName, Callable<T> read) {
        try {
            return assertTimeoutPreemptively(TIME_LIMIT, read::call);
        } catch (GbpInputException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(mustName), "the refusal does not name " + mustName
                    + ": " + e.getMessage());
            assertTrue(e.getMessage().length() < 3000, "a message of " + e.getMessage().length() + " characters");
            return null;
        }
    }

    private static Path write(String name, byte[] bytes) {
        try {
            return Files.write(DIR.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One to four random edits: a flipped byte, a random byte, a deleted or inserted run, or a truncation. */
    static byte[] mutate(byte[] base, Random r) {
        byte[] b = base.clone();
        int edits = 1 + r.nextInt(4);
        for (int k = 0; k < edits && b.length > 0; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b[at] = (byte) (r.nextBoolean() ? 0xff : 0x7f);
                case 3 -> b = Arrays.copyOf(b, at);
                case 4 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                }
                default -> {
                    byte[] ins = new byte[1 + r.nextInt(8)];
                    r.nextBytes(ins);
                    byte[] c = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(ins, 0, c, at, ins.length);
                    System.arraycopy(b, at, c, at + ins.length, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    // ---- CIFAR .bin ----

    Gen<byte[]> cifarBytes() {
        return fromRandom(r -> {
            byte[] records = new byte[CifarImages.RECORD_BYTES * (1 + r.nextInt(3))];
            r.nextBytes(records);
            for (int i = 0; i < records.length; i += CifarImages.RECORD_BYTES) {
                records[i] = (byte) r.nextInt(r.nextInt(4) == 0 ? 256 : 10);
            }
            return r.nextInt(3) == 0 ? mutate(records, r) : records;
        });
    }

    @Test
    void cifarBinFilesAreReadOrRefusedByName() {
        qt().withExamples(150).forAll(cifarBytes()).checkAssert(this::cifarBinFilesAreReadOrRefusedByNameCase);
    }

    void cifarBinFilesAreReadOrRefusedByNameCase(byte[] bytes) {
        Path f = write("fuzz.bin", bytes);
        CifarImages im = readOrRefuse(f.toString(), () -> CifarReader.read(f, CifarReader.Split.TEST));
        if (im != null) {
            assertEquals(0, bytes.length % CifarImages.RECORD_BYTES);
            assertEquals(bytes.length / CifarImages.RECORD_BYTES, im.size());
            for (int i = 0; i < im.size(); i++) {
                assertEquals(bytes[i * CifarImages.RECORD_BYTES], im.label(i));
            }
        }
    }

    // ---- .npy ----

    private static final List<String> HEADER_TOKENS = List.of("'descr'", "'fortran_order'", "'shape'", "'junk'", "'<f4'",
            "'>f4'", "'<f8'", "'|u1'", "'O'", "'<U3'", "True", "False", "(", ")", ",", ":", "{", "}", "2", "3", "-1", "10.0",
            "99999999999", "2147483647", "0", "3L", "[", "]", "'", "\"", " ", "\n", "\\", "()", "(2,)", "(2, 3)");

    Gen<byte[]> npyBytes() {
        return fromRandom(r -> {
            long[] shape = r.nextBoolean() ? new long[] {1 + r.nextInt(5)} : new long[] {1 + r.nextInt(3), 1 + r.nextInt(3)};
            byte[] valid = Npy.toBytes(new NpyArray(shape, new float[(int) NpyArray.size(shape)]));
            if (r.nextBoolean()) {
                return mutate(valid, r);
            }
            // A header made of numpy's tokens in random order, with data that may or may not fit it.
            StringBuilder dict = new StringBuilder("{");
            for (int i = 0, n = r.nextInt(20); i < n; i++) {
                dict.append(HEADER_TOKENS.get(r.nextInt(HEADER_TOKENS.size())));
            }
            if (r.nextBoolean()) {
                dict = new StringBuilder("{'descr': " + HEADER_TOKENS.get(4 + r.nextInt(6)) + ", 'fortran_order': "
                        + (r.nextBoolean() ? "True" : "False") + ", 'shape': (" + HEADER_TOKENS.get(18 + r.nextInt(9)) + ", "
                        + HEADER_TOKENS.get(18 + r.nextInt(9)) + "), ");
            }
            byte[] data = new byte[r.nextInt(64)];
            r.nextBytes(data);
            return HostileFiles.npy(dict.append('}').toString(), data);
        });
    }

    @Test
    void npyArraysAreReadOrRefusedByName() {
        qt().withExamples(300).forAll(npyBytes()).checkAssert(this::npyArraysAreReadOrRefusedByNameCase);
    }

    void npyArraysAreReadOrRefusedByNameCase(byte[] bytes) {
        NpyArray a = readOrRefuse("fuzz.npy", () -> Npy.parse(bytes, "fuzz.npy"));
        if (a != null && a.isFloat32()) {
            assertEquals(NpyArray.size(a.shape()), a.data().length);
        }
        Path f = write("fuzz.npy", bytes);
        readOrRefuse(f.toString(), () -> Npy.read(f));
    }

    // ---- .npz ----

    private static final Path BUNDLE = Path.of("src/test/resources/fixtures/numpy-bundle");

    Gen<byte[]> npzBytes() {
        return fromRandom(r -> {
            try {
                byte[] numpy = Files.readAllBytes(BUNDLE.resolve("weights.npz"));
                if (r.nextInt(3) > 0) {
                    return mutate(numpy, r);
                }
                // Deflated entries, one with a data descriptor, then mutated.
                byte[] a = Npy.toBytes(new NpyArray(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
                byte[] b = Npy.toBytes(new NpyArray(new long[] {3}, new float[] {5, 6, 7}));
                return mutate(HostileFiles.zip(List.of(Entry.deflated("a.npy", a).withDescriptor(), Entry.deflated("b.npy", b),
                        Entry.stored("c.npy", b))), r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void npzArchivesAreReadOrRefusedByName() {
        qt().withExamples(300).forAll(npzBytes()).checkAssert(this::npzArchivesAreReadOrRefusedByNameCase);
    }

    void npzArchivesAreReadOrRefusedByNameCase(byte[] bytes) {
        Path f = write("fuzz.npz", bytes);
        Map<String, NpyArray> any = readOrRefuse(f.toString(), () -> Npz.read(f));
        ModelSpec spec = ModelSpec.read(BUNDLE.resolve("model.json"));
        Map<String, long[]> shapes = spec.parameterShapes();
        Map<String, NpyArray> checked = readOrRefuse(f.toString(), () -> Npz.read(f, shapes, Set.of("bn1.num_batches_tracked")));
        if (checked != null) {
            for (Map.Entry<String, NpyArray> e : checked.entrySet()) {
                if (shapes.containsKey(e.getKey())) {
                    assertArrayEquals(shapes.get(e.getKey()), e.getValue().shape(), e.getKey());
                    assertEquals(NpyArray.size(e.getValue().shape()), e.getValue().data().length);
                }
            }
        }
        if (any != null) {
            // Every entry passed its CRC check, so a read archive holds the values that were written.
            Map<String, NpyArray> original = Npz.read(BUNDLE.resolve("weights.npz"));
            for (Map.Entry<String, NpyArray> e : any.entrySet()) {
                NpyArray o = original.get(e.getKey());
                if (o != null) {
                    assertArrayEquals(o.data(), e.getValue().data(), e.getKey());
                }
            }
        }
    }

    // ---- model.json ----

    private static final List<String> NUMBERS = List.of("4294967299", "18446744073709551619", "-1", "0", "3.5", "1e400",
            "-1e400", "1e-400", "2147483647", "2147483648", "1048577", "1000000000", "1e9", "3.0", "-0", "1E+2",
            "1" + "0".repeat(400), "\"3\"", "null", "true", "[]", "{}", "[3, 3]", "[1, 2, 3, 4]", "[4294967299, 1]");

    Gen<String> modelJson() {
        return fromRandom(r -> {
            String file = List.of("models/cifar10-seed/model.json", "models/cifar10-resnet/model.json",
                    BUNDLE.resolve("model.json").toString()).get(r.nextInt(3));
            try {
                JsonNode root = new ObjectMapper().readTree(Files.readString(Path.of(file)));
                for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
                    replaceSomeValue(root, r);
                }
                String text = root.toString();
                return r.nextInt(4) == 0 ? new String(mutate(text.getBytes(StandardCharsets.UTF_8), r), StandardCharsets.UTF_8)
                        : text;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Replaces a random value somewhere in the tree by a hostile number or other JSON value, or drops a field. */
    private static void replaceSomeValue(JsonNode node, Random r) throws IOException {
        List<JsonNode> containers = new ArrayList<>();
        collect(node, containers);
        JsonNode c = containers.get(r.nextInt(containers.size()));
        JsonNode value = new ObjectMapper().readTree(NUMBERS.get(r.nextInt(NUMBERS.size())));
        if (c instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(r.nextInt(names.size()));
            if (r.nextInt(5) == 0) {
                o.remove(name);
            } else {
                o.set(name, value);
            }
        } else if (c instanceof ArrayNode a && a.size() > 0) {
            a.set(r.nextInt(a.size()), value);
        }
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.forEach(child -> collect(child, out));
        }
    }

    @Test
    void modelDescriptionsAreReadOrRefusedNamingTheFile() {
        qt().withExamples(200).forAll(modelJson()).checkAssert(this::modelDescriptionsAreReadOrRefusedNamingTheFileCase);
    }

    void modelDescriptionsAreReadOrRefusedNamingTheFileCase(String json) {
        Path f = write("model.json", json.getBytes(StandardCharsets.UTF_8));
        ModelSpec spec = readOrRefuse(f.toString(), () -> ModelSpec.read(f));
        if (spec != null) {
            long total = 0;
            for (long[] s : spec.parameterShapes().values()) {
                total += NpyArray.size(s);
            }
            assertTrue(total <= ModelSpec.MAX_PARAMETERS);
            for (int i = 0; i < spec.layers().size(); i++) {
                assertTrue(NpyArray.size(spec.outputShape(i)) <= ModelSpec.MAX_NODE_VALUES);
            }
        }
    }

    // ---- pictures ----

    Gen<byte[]> pictureBytes() {
        return fromRandom(r -> {
            int w = 1 + r.nextInt(40);
            int h = 1 + r.nextInt(40);
            int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_ARGB,
                BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_BYTE_BINARY};
            boolean jpeg = r.nextBoolean();
            BufferedImage img = new BufferedImage(w, h, jpeg ? BufferedImage.TYPE_INT_RGB : types[r.nextInt(types.length)]);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.setRGB(x, y, r.nextInt());
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(img, jpeg ? "jpeg" : "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r.nextInt(5) == 0 ? out.toByteArray() : mutate(out.toByteArray(), r);
        });
    }

    @Test
    void picturesAreReadOrRefusedByName() {
        qt().withExamples(150).forAll(pictureBytes()).checkAssert(this::picturesAreReadOrRefusedByNameCase);
    }

    void picturesAreReadOrRefusedByNameCase(byte[] bytes) {
        Path f = write("fuzz.png", bytes);
        CifarImages im = readOrRefuse(f.toString(), () -> ImageFiles.read(List.of(f), 3, 16, 16, ImageFiles.Resize.STRETCH,
                1 << 20, new ArrayList<>(), new ArrayList<>(), x -> {}));
        if (im != null) {
            assertEquals(1, im.size());
            assertArrayEquals(new int[] {3, 16, 16}, im.dims());
        }
    }

    // ---- targets ----

    private static final ModelSpec SPEC = DefaultArchitecture.cifar10();
    private static final List<String> KINDS = List.of("max-neuron", "max-interior-neuron", "neuron", "channel-max", "class",
            "predicted", "MAX-NEURON", "", "neuronx", " class");
    private static final List<String> PARTS = List.of("conv3_relu", "conv1", "fc", "cat", "0", "1", "-1", "7", "63", "64",
            "99999999999", "2147483648", "-2147483649", "1.5", "", " ", " 3 ", "x", "a:b", "\u0000", "\u001b[2J", "\u00fc",
            "x".repeat(300));

    /** Targets by their grammar (kind, layer or class, position) with random parts, and random text. */
    Gen<String> targets() {
        Gen<String> structured = fromRandom(r -> {
            StringBuilder b = new StringBuilder(KINDS.get(r.nextInt(KINDS.size())));
            if (r.nextInt(6) > 0) {
                b.append(':').append(PARTS.get(r.nextInt(PARTS.size())));
            }
            if (r.nextInt(3) > 0) {
                b.append(':');
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? "," : "").append(PARTS.get(4 + r.nextInt(PARTS.size() - 4)));
                }
            }
            if (r.nextInt(4) == 0 && b.length() > 0) {
                b.insert(r.nextInt(b.length()), (char) r.nextInt(128));
            }
            return b.toString();
        });
        Gen<String> text = fromRandom(r -> {
            char[] cs = new char[r.nextInt(61)];
            for (int i = 0; i < cs.length; i++) {
                cs[i] = (char) r.nextInt(Character.MAX_VALUE + 1);
            }
            return new String(cs);
        });
        return Generate.oneOf(structured, structured, text);
    }

    @Test
    void targetsAreParsedOrRefusedForTheTargetParameter() {
        qt().withExamples(500).forAll(targets()).checkAssert(this::targetsAreParsedOrRefusedForTheTargetParameterCase);
    }

    void targetsAreParsedOrRefusedForTheTargetParameterCase(String spec) {
        try {
            Target t = Target.parse(spec, SPEC);
            int layer = t.layer(SPEC);
            assertTrue(layer >= 0 && layer < SPEC.layers().size());
        } catch (GbpInputException e) {
            assertEquals("target", e.parameter());
            assertTrue(e.getMessage().length() < 3000, "a message of " + e.getMessage().length() + " characters");
        }
    }
}
