package dev.gbp.io;

/**
 * The files of an atlas folder, named in one place for its writer ({@code gbp atlas}) and its reader (the explorer):
 * {@value #JSON} (format {@value #FORMAT}) and the patch pictures under {@value #PATCHES}/.
 */
public final class AtlasLayout {
    /** The format name in {@value #JSON}. */
    public static final String FORMAT = "gbp-atlas/1";
    /** Per channel, its ranked images, positions and activations. */
    public static final String JSON = "atlas.json";
    /** The folder of patch pictures. */
    public static final String PATCHES = "patches";

    private AtlasLayout() {}

    /**
     * A patch picture's path inside the atlas folder, e.g. {@code patches/c3-r0-map.png}.
     *
     * @param channel the channel
     * @param rank the image's rank in the channel, 0 for the top one
     * @param map the map crop when true, else the image crop
     * @return the '/'-separated relative path
     */
    public static String patch(int channel, int rank, boolean map) {
        return PATCHES + "/c" + channel + "-r" + rank + (map ? "-map.png" : "-image.png");
    }
}
