#!/usr/bin/env python3
"""Draw one 128 x 128 RGB picture per CIFAR-10 class (ship excluded: docs/img/boat.png exists).

Flat cartoon shapes in the style of docs/img/boat.png, drawn at 4x resolution with gradients,
soft shading and seeded texture noise, then downsampled with LANCZOS so that they read like a
low-resolution photo. Deterministic: same script, same bytes.

    python3 make_drawings.py [OUT_DIR]        # default: the folder of this script (docs/img/drawn)

Needs numpy and Pillow (apt-get install -y python3-pil python3-numpy; on a machine where `python3` is
not the system interpreter, run it as /usr/bin/python3 make_drawings.py).
All coordinates below are in 128-pixel units; K scales them to the drawing resolution.
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

OUT_SIZE = 128
K = 4                     # supersampling factor
S = OUT_SIZE * K          # drawing resolution

_yy, _xx = np.mgrid[0:S, 0:S].astype(np.float32) / K    # pixel centres in 128-px units


def rgb(c):
    return np.array(c, dtype=np.float32) / 255.0


# ---------------------------------------------------------------------------------------------
# masks (float S x S arrays in [0, 1]); coordinates in 128-px units
# ---------------------------------------------------------------------------------------------
def _new():
    im = Image.new("L", (S, S), 0)
    return im, ImageDraw.Draw(im)


def _done(im, soften=0.0):
    if soften > 0:
        im = im.filter(ImageFilter.GaussianBlur(soften * K))
    return np.asarray(im, dtype=np.float32) / 255.0


def _pts(points):
    return [(x * K, y * K) for x, y in points]


def poly(points, soften=0.0):
    im, d = _new()
    d.polygon(_pts(points), fill=255)
    return _done(im, soften)


def ellipse(cx, cy, rx, ry, soften=0.0, angle=0.0):
    """Ellipse centred at (cx, cy) with radii rx, ry, rotated by angle degrees (clockwise on screen)."""
    a = np.deg2rad(angle)
    dx, dy = _xx - cx, _yy - cy
    u = dx * np.cos(a) + dy * np.sin(a)
    v = -dx * np.sin(a) + dy * np.cos(a)
    r = np.sqrt((u / rx) ** 2 + (v / ry) ** 2)
    edge = max(soften, 0.35) / max(min(rx, ry), 1e-3)
    return np.clip((1.0 - r) / edge + 0.5, 0.0, 1.0)


def rect(x0, y0, x1, y1, radius=0.0, soften=0.0):
    im, d = _new()
    if radius > 0:
        d.rounded_rectangle([x0 * K, y0 * K, x1 * K, y1 * K], radius=radius * K, fill=255)
    else:
        d.rectangle([x0 * K, y0 * K, x1 * K, y1 * K], fill=255)
    return _done(im, soften)


def line(points, width, soften=0.0):
    im, d = _new()
    d.line(_pts(points), fill=255, width=max(1, int(round(width * K))), joint="curve")
    r = width * K / 2.0
    for x, y in _pts(points):
        d.ellipse([x - r, y - r, x + r, y + r], fill=255)
    return _done(im, soften)


def taper(points, w0, w1, soften=0.0):
    """A stroke along points whose width goes linearly from w0 to w1 (legs, antlers, branches)."""
    im, d = _new()
    p = np.array(points, dtype=np.float32)
    seg = np.sqrt(((p[1:] - p[:-1]) ** 2).sum(1))
    total = max(seg.sum(), 1e-6)
    acc = 0.0
    for i in range(len(p) - 1):
        n = max(2, int(seg[i] * K))
        for t in np.linspace(0, 1, n):
            x, y = p[i] + (p[i + 1] - p[i]) * t
            f = (acc + seg[i] * t) / total
            r = (w0 + (w1 - w0) * f) * K / 2.0
            d.ellipse([x * K - r, y * K - r, x * K + r, y * K + r], fill=255)
        acc += seg[i]
    return _done(im, soften)


def union(*ms):
    return np.clip(np.maximum.reduce(ms), 0, 1)


# ---------------------------------------------------------------------------------------------
# colour fields
# ---------------------------------------------------------------------------------------------
def vgrad(c0, c1, y0=0.0, y1=128.0):
    t = np.clip((_yy - y0) / (y1 - y0), 0, 1)[..., None]
    return rgb(c0) * (1 - t) + rgb(c1) * t


def hgrad(c0, c1, x0=0.0, x1=128.0):
    t = np.clip((_xx - x0) / (x1 - x0), 0, 1)[..., None]
    return rgb(c0) * (1 - t) + rgb(c1) * t


def lingrad(c0, c1, p0, p1):
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    t = ((_xx - x0) * dx + (_yy - y0) * dy) / (dx * dx + dy * dy)
    t = np.clip(t, 0, 1)[..., None]
    return rgb(c0) * (1 - t) + rgb(c1) * t


def light(cx, cy, r, lo=0.75, hi=1.15):
    """Multiplicative shading: hi at (cx, cy), falling to lo at distance r and beyond."""
    d = np.sqrt((_xx - cx) ** 2 + (_yy - cy) ** 2) / r
    t = np.clip(d, 0, 1)
    return (hi + (lo - hi) * t)[..., None]


class Noise:
    """Seeded smooth value noise at several scales, returned as S x S arrays around 0."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def smooth(self, cells, amp=1.0):
        g = self.rng.standard_normal((cells, cells)).astype(np.float32)
        im = Image.fromarray(((g * 40) + 128).clip(0, 255).astype(np.uint8))
        im = im.resize((S, S), Image.BICUBIC)
        return (np.asarray(im, dtype=np.float32) - 128) / 40.0 * amp

    def fractal(self, amp=1.0, octaves=(4, 8, 16, 32, 64)):
        out = np.zeros((S, S), np.float32)
        w = 1.0
        for c in octaves:
            out += self.smooth(c, w)
            w *= 0.6
        return out / 2.0 * amp


class Canvas:
    def __init__(self, seed):
        self.img = np.zeros((S, S, 3), np.float32)
        self.noise = Noise(seed)

    def fill(self, mask, colour, shade=None, tex=0.0, tex_cells=(16, 32, 64)):
        c = colour if isinstance(colour, np.ndarray) and colour.ndim == 3 else np.broadcast_to(rgb(colour), (S, S, 3))
        c = np.array(c, np.float32)
        if shade is not None:
            c = c * shade
        if tex:
            c = c * (1.0 + self.noise.fractal(tex, tex_cells)[..., None])
        m = mask[..., None]
        self.img = self.img * (1 - m) + c * m

    def finish(self, grain=0.02, blotch=0.03):
        """Blotchy lighting, LANCZOS down to 128 px, then photographic grain."""
        img = self.img * (1.0 + self.noise.fractal(blotch, (8, 16))[..., None])
        img = np.clip(img, 0, 1)
        im = Image.fromarray((img * 255 + 0.5).astype(np.uint8), "RGB")
        im = im.resize((OUT_SIZE, OUT_SIZE), Image.LANCZOS)
        a = np.asarray(im, dtype=np.float32) / 255.0
        # photographic grain at the final resolution (slightly colour-correlated)
        g = self.noise.rng.standard_normal((OUT_SIZE, OUT_SIZE, 1)).astype(np.float32) * grain
        g = g + self.noise.rng.standard_normal((OUT_SIZE, OUT_SIZE, 3)).astype(np.float32) * grain * 0.4
        a = np.clip(a + g, 0, 1)
        return Image.fromarray((a * 255 + 0.5).astype(np.uint8), "RGB")


# ---------------------------------------------------------------------------------------------
# backgrounds
# ---------------------------------------------------------------------------------------------
def sky(cv, top=(70, 125, 195), bottom=(175, 205, 235), horizon=128):
    cv.fill(np.ones((S, S), np.float32), vgrad(top, bottom, 0, horizon))


def clouds(cv, blobs, colour=(245, 247, 250), alpha=0.85):
    m = union(*[ellipse(x, y, rx, ry, soften=3) for x, y, rx, ry in blobs]) * alpha
    cv.fill(m, colour, shade=light(64, 0, 140, 0.9, 1.05))


def grass(cv, y0, c_far=(120, 150, 70), c_near=(70, 110, 40), tex=0.18):
    m = np.clip((_yy - y0) * K / 2.0, 0, 1)
    cv.fill(m, vgrad(c_far, c_near, y0, 128), tex=tex, tex_cells=(8, 32, 64))


# ---------------------------------------------------------------------------------------------
# the pictures
# ---------------------------------------------------------------------------------------------
def airplane():
    cv = Canvas(101)
    sky(cv, (60, 115, 190), (165, 200, 235))
    clouds(cv, [(18, 104, 22, 8), (36, 100, 16, 9), (104, 22, 20, 6), (118, 26, 14, 6)], alpha=0.7)
    metal = (215, 220, 228)
    shade = light(55, 45, 75, 0.78, 1.08)
    # far wing (behind the fuselage, up and to the right)
    cv.fill(poly([(62, 58), (74, 55), (98, 26), (92, 27)]), (175, 182, 192), shade)
    # far tail plane
    cv.fill(poly([(101, 50), (107, 48), (118, 38), (114, 38)]), (175, 182, 192), shade)
    # fuselage: a long tapered body, nose at the left
    body = union(
        ellipse(58, 60, 50, 8.5, angle=-10),
        poly([(88, 49), (117, 40), (119, 46), (94, 60)]),
    )
    cv.fill(body, metal, lingrad((240, 243, 248), (150, 158, 170), (60, 50), (62, 70)))
    # tail fin
    cv.fill(poly([(100, 49), (110, 45), (121, 20), (114, 20)]), (200, 40, 40), light(112, 30, 25, 0.8, 1.1))
    # near wing: big swept wing coming towards the viewer (down and to the right)
    cv.fill(poly([(52, 64), (70, 60), (100, 96), (92, 97)]), metal,
            lingrad((235, 238, 244), (140, 148, 160), (60, 60), (96, 97)))
    # engine under the near wing
    cv.fill(ellipse(70, 75, 6, 3.2, angle=-10), (110, 115, 125), light(68, 73, 8, 0.7, 1.1))
    # near tail plane
    cv.fill(poly([(100, 52), (108, 50), (120, 62), (116, 63)]), metal, shade)
    # cockpit windows and a row of cabin windows
    cv.fill(poly([(12, 61), (20, 57), (22, 59), (15, 62)]), (40, 55, 80))
    for i in range(9):
        x = 30 + i * 7
        y = 57.5 - i * 1.25
        cv.fill(ellipse(x, y, 1.3, 1.1), (50, 65, 90))
    # stripe along the fuselage
    cv.fill(line([(16, 64), (100, 49)], 1.4), (30, 60, 140))
    return cv.finish(grain=0.015, blotch=0.02)


def automobile():
    cv = Canvas(202)
    # background: pale sky, a band of blurred trees, then the road
    sky(cv, (150, 180, 210), (210, 220, 230), 60)
    trees = union(*[ellipse(x, 52 + 4 * np.sin(x), 14, 12, soften=2) for x in range(0, 140, 14)])
    cv.fill(trees * (_yy < 70), (70, 100, 60), tex=0.25)
    road = np.clip((_yy - 62) * K / 2, 0, 1)
    cv.fill(road, vgrad((120, 120, 125), (80, 80, 85), 62, 128), tex=0.12)
    cv.fill(poly([(0, 112), (128, 96), (128, 99), (0, 116)]), (210, 210, 200), tex=0.1)
    # shadow under the car
    cv.fill(ellipse(66, 104, 58, 9, soften=4) * 0.7, (25, 25, 28))
    red = (200, 25, 30)
    # car body, 3/4 front view: front face on the left, side receding to the right
    side = poly([(40, 70), (52, 62), (120, 61), (123, 68), (122, 91), (44, 103)])
    cv.fill(side, red, lingrad((225, 60, 55), (120, 10, 15), (80, 62), (82, 100)))
    front = poly([(5, 73), (40, 70), (44, 103), (8, 100), (4, 86)])
    cv.fill(front, red, lingrad((235, 70, 60), (130, 12, 15), (20, 68), (22, 102)))
    # cabin: windscreen pillars, roof and rear pillar
    cabin = poly([(16, 64), (30, 46), (60, 43), (98, 43), (118, 62), (52, 62)])
    cv.fill(cabin, red, lingrad((215, 45, 45), (150, 15, 20), (60, 40), (60, 62)))
    # bonnet (hood): the top surface between the front face and the windscreen, lit from above
    hood = poly([(5, 73), (40, 70), (52, 62), (16, 64)])
    cv.fill(hood, (225, 70, 65), lingrad((230, 85, 78), (205, 45, 45), (28, 62), (24, 72)))
    # windscreen (front glass) and side windows
    cv.fill(poly([(20, 63), (31, 48), (58, 45), (50, 61)]), (60, 80, 105),
            lingrad((160, 185, 210), (40, 55, 75), (30, 46), (42, 62)))
    cv.fill(poly([(61, 46), (80, 45), (80, 60), (55, 61)]), (50, 65, 85),
            lingrad((120, 145, 170), (35, 45, 60), (60, 44), (70, 60)))
    cv.fill(poly([(83, 45), (97, 45), (112, 60), (83, 60)]), (50, 65, 85),
            lingrad((110, 135, 160), (35, 45, 60), (90, 44), (100, 60)))
    # grille, headlights, bumper
    cv.fill(rect(14, 82, 35, 90, radius=2), (35, 35, 40))
    cv.fill(ellipse(10, 78, 4.5, 3), (250, 245, 215))
    cv.fill(ellipse(37, 77, 3.8, 2.8), (250, 245, 215))
    cv.fill(poly([(5, 93), (43, 94), (44, 101), (8, 99)]), (60, 60, 65))
    # wheels: front one (near, large), rear one (further away, smaller)
    for cx, cy, r in [(56, 100, 11), (108, 92, 9.5)]:
        cv.fill(ellipse(cx, cy, r * 0.8, r), (20, 20, 22))
        cv.fill(ellipse(cx, cy, r * 0.45, r * 0.55), (170, 170, 175), light(cx - 2, cy - 3, r, 0.7, 1.1))
    cv.fill(ellipse(13, 101, 4, 5.5) * (_xx < 13), (20, 20, 22))
    # door line, handle and side mirror
    cv.fill(line([(81, 62), (81, 96)], 0.6), (110, 10, 15))
    cv.fill(rect(70, 67, 75, 69), (90, 10, 10))
    cv.fill(ellipse(54, 63, 3.5, 2.2), (150, 15, 20))
    return cv.finish(grain=0.02)


def truck():
    cv = Canvas(303)
    sky(cv, (120, 160, 205), (205, 215, 228), 70)
    hills = union(*[ellipse(x, 72, 22, 12, soften=3) for x in (10, 45, 80, 118)])
    cv.fill(hills * (_yy < 76), (95, 115, 80), tex=0.2)
    road = np.clip((_yy - 74) * K / 2, 0, 1)
    cv.fill(road, vgrad((125, 122, 118), (85, 83, 80), 74, 128), tex=0.12)
    cv.fill(ellipse(66, 112, 62, 8, soften=4) * 0.7, (25, 25, 28))
    # box trailer behind (right), white with a grey side
    cv.fill(poly([(52, 20), (124, 26), (124, 100), (52, 104)]), (230, 230, 228),
            lingrad((245, 245, 242), (165, 165, 165), (80, 20), (82, 104)), tex=0.04)
    cv.fill(line([(52, 92), (124, 90)], 1.2), (120, 120, 125))
    # cab: front face (left) and its side
    red = (205, 30, 25)
    cv.fill(poly([(40, 26), (56, 28), (56, 104), (40, 108)]), red,
            lingrad((215, 45, 40), (120, 15, 15), (48, 26), (48, 108)))
    front = poly([(6, 32), (42, 26), (42, 108), (6, 104)])
    cv.fill(front, red, lingrad((240, 70, 60), (140, 15, 15), (20, 26), (20, 108)))
    # big windscreen (front glass)
    cv.fill(poly([(9, 36), (39, 31), (39, 60), (9, 62)]), (60, 80, 100),
            lingrad((175, 200, 220), (40, 55, 75), (14, 32), (34, 62)))
    cv.fill(line([(24, 34), (24, 61)], 0.8), (30, 30, 35))
    # side window of the cab
    cv.fill(poly([(43, 32), (54, 33), (54, 56), (43, 58)]), (50, 65, 85),
            lingrad((120, 145, 170), (35, 45, 60), (44, 32), (50, 58)))
    # grille, lights, bumper
    cv.fill(rect(11, 70, 37, 88, radius=1.5), (45, 45, 50))
    for y in range(72, 88, 3):
        cv.fill(line([(12, y), (36, y)], 0.8), (140, 140, 145))
    cv.fill(ellipse(10, 93, 3.5, 2.5), (250, 240, 200))
    cv.fill(ellipse(38, 92, 3.5, 2.5), (250, 240, 200))
    cv.fill(poly([(4, 97), (43, 96), (43, 104), (4, 104)]), (150, 150, 155),
            lingrad((200, 200, 205), (90, 90, 95), (20, 96), (20, 104)))
    # wheels
    for cx, cy, r in [(48, 106, 10), (92, 104, 9.5), (112, 103, 9)]:
        cv.fill(ellipse(cx, cy, r * 0.75, r), (20, 20, 22))
        cv.fill(ellipse(cx, cy, r * 0.4, r * 0.5), (165, 165, 170), light(cx - 2, cy - 3, r, 0.7, 1.1))
    cv.fill(ellipse(10, 107, 5, 6) * (_xx < 12), (20, 20, 22))
    # mirror
    cv.fill(rect(2, 40, 5, 52, radius=1), (40, 40, 45))
    return cv.finish(grain=0.02)


def leg(upper, lower, w_top, w_knee, w_foot):
    """A leg: a thick upper part (shoulder/thigh to knee/hock) and a thin cannon down to the hoof."""
    return union(taper(upper, w_top, w_knee), taper(lower, w_knee * 0.9, w_foot))


def horse():
    cv = Canvas(404)
    sky(cv, (120, 165, 210), (200, 215, 225), 56)
    grass(cv, 56, (135, 160, 80), (65, 105, 35), tex=0.2)
    cv.fill(ellipse(70, 112, 46, 5, soften=3) * 0.45, (30, 45, 20))
    brown = (140, 78, 36)
    far_brown = (100, 55, 25)
    sh = light(52, 40, 80, 0.68, 1.18)
    dark = (45, 28, 18)
    # far legs (darker, slightly offset)
    cv.fill(leg([(38, 62), (38, 84)], [(38, 84), (37, 108)], 10, 5.5, 4.5), far_brown, sh)
    cv.fill(leg([(88, 60), (92, 82)], [(92, 82), (88, 108)], 12, 5.5, 4.5), far_brown, sh)
    # tail
    cv.fill(taper([(104, 46), (113, 58), (116, 82)], 7, 3), dark, tex=0.1)
    # body: barrel, chest and hindquarters
    body = union(ellipse(70, 56, 32, 14.5, angle=-3), ellipse(44, 57, 12, 13), ellipse(94, 52, 13, 14))
    # neck (wide at the withers) and a long head pointing down-left
    neck = poly([(32, 62), (56, 46), (40, 18), (26, 22)])
    head = union(ellipse(30, 22, 8, 7, angle=-40), taper([(30, 22), (14, 42)], 13, 9),
                 ellipse(15, 42, 5.5, 4.5, angle=-40))
    # near legs: foreleg under the chest, hind leg with a thigh and a hock
    near = union(leg([(45, 62), (46, 84)], [(46, 84), (47, 108)], 11, 6, 4.8),
                 leg([(98, 56), (103, 82)], [(103, 82), (99, 108)], 15, 6, 4.8))
    cv.fill(union(body, neck, head, near), brown, sh, tex=0.06)
    # hooves
    for x, c in ((47, dark), (99, dark), (37, dark), (88, dark)):
        cv.fill(ellipse(x, 109, 3.3, 2.2), c)
    # mane, ear, eye, nostril, blaze
    cv.fill(taper([(30, 14), (38, 26), (50, 44)], 5, 4), dark, tex=0.1)
    cv.fill(poly([(30, 16), (34, 7), (37, 16)]), brown, sh)
    cv.fill(ellipse(27, 24, 1.6, 1.6), (15, 10, 8))
    cv.fill(ellipse(13, 42, 1.8, 1.5), (40, 25, 18))
    cv.fill(taper([(24, 25), (15, 38)], 2.5, 3), (225, 215, 200))
    return cv.finish(grain=0.02)


def deer():
    cv = Canvas(505)
    # forest: dark green tree band, lighter grass at the bottom
    cv.fill(np.ones((S, S), np.float32), vgrad((70, 95, 55), (95, 120, 60), 0, 70), tex=0.25,
            tex_cells=(4, 8, 16))
    for x, w in [(8, 5), (112, 6), (124, 4)]:
        cv.fill(rect(x - w / 2, 0, x + w / 2, 72), (60, 45, 30), tex=0.15)
    grass(cv, 68, (120, 140, 65), (80, 110, 45), tex=0.2)
    cv.fill(ellipse(70, 116, 40, 4, soften=3) * 0.45, (30, 45, 20))
    tan = (165, 108, 60)
    far_tan = (120, 75, 40)
    sh = light(58, 52, 70, 0.72, 1.15)
    # far legs
    cv.fill(leg([(44, 76), (43, 94)], [(43, 94), (43, 115)], 8, 4, 3), far_tan, sh)
    cv.fill(leg([(88, 74), (93, 94)], [(93, 94), (90, 115)], 9, 4, 3), far_tan, sh)
    body = union(ellipse(70, 68, 30, 13, angle=-4), ellipse(96, 64, 11, 12), ellipse(48, 70, 10, 11))
    neck = poly([(38, 74), (54, 60), (40, 36), (30, 40)])
    head = union(ellipse(34, 38, 7.5, 6.5, angle=-20), taper([(33, 39), (22, 51)], 10, 6))
    near = union(leg([(50, 74), (49, 94)], [(49, 94), (50, 116)], 9, 4.2, 3),
                 leg([(98, 66), (102, 92)], [(102, 92), (98, 116)], 12, 4.2, 3))
    cv.fill(union(body, neck, head, near), tan, sh, tex=0.06)
    # pale belly (soft), white rump patch and throat
    cv.fill(body * ellipse(70, 82, 26, 6, soften=3), (225, 205, 170))
    cv.fill(ellipse(106, 57, 2.5, 3.5, angle=30), far_tan)
    cv.fill(ellipse(104, 61, 3.5, 5, soften=1), (235, 225, 210))
    cv.fill(ellipse(36, 53, 2.2, 4, soften=1.5) * 0.8, (230, 220, 200))
    for x in (50, 98, 43, 90):
        cv.fill(ellipse(x, 116, 2.2, 1.5), (40, 30, 22))
    # ears
    cv.fill(ellipse(45, 32, 6.5, 2.8, angle=-20), tan, sh)
    cv.fill(ellipse(25, 31, 5.5, 2.6, angle=25), tan, sh)
    # antlers: two branched beams
    ant = (120, 92, 62)
    for sgn, base in ((1, (38, 31)), (-1, (31, 31))):
        bx, by = base
        beam = [(bx, by), (bx + 6 * sgn, by - 10), (bx + 9 * sgn, by - 22), (bx + 7 * sgn, by - 30)]
        cv.fill(taper(beam, 3.0, 1.5), ant)
        for t0, t1 in (((bx + 6 * sgn, by - 10), (bx + 1 * sgn, by - 19)),
                       ((bx + 9 * sgn, by - 20), (bx + 16 * sgn, by - 27)),
                       ((bx + 8.5 * sgn, by - 16), (bx + 3 * sgn, by - 26))):
            cv.fill(taper([t0, t1], 2.3, 1.2), ant)
    cv.fill(ellipse(33, 37, 1.6, 1.6), (15, 10, 8))
    cv.fill(ellipse(22, 51, 2.2, 1.8), (25, 18, 14))
    return cv.finish(grain=0.025)


def frog():
    cv = Canvas(606)
    # dark earthy background with a leaf
    cv.fill(np.ones((S, S), np.float32), vgrad((85, 70, 45), (55, 45, 30)), tex=0.3, tex_cells=(8, 16, 32))
    green = (95, 150, 45)
    sh = light(64, 50, 70, 0.65, 1.2)
    # body: a broad squat blob filling the frame, front legs splayed
    body = union(ellipse(64, 80, 54, 34), ellipse(64, 60, 44, 30))
    legs = union(taper([(22, 86), (12, 104), (6, 118)], 14, 9), taper([(106, 86), (116, 104), (122, 118)], 14, 9),
                 ellipse(8, 120, 10, 5), ellipse(120, 120, 10, 5))
    cv.fill(union(body, legs), green, sh, tex=0.12)
    # pale throat / belly
    cv.fill(ellipse(64, 100, 30, 14, soften=3), (200, 205, 130), light(64, 95, 40, 0.8, 1.05))
    # bulging eyes on top
    for ex in (38, 90):
        cv.fill(ellipse(ex, 44, 15, 14), green, light(ex - 3, 38, 16, 0.75, 1.2))
        cv.fill(ellipse(ex, 44, 9.5, 9), (190, 150, 40), light(ex - 2, 41, 10, 0.7, 1.15))
        cv.fill(ellipse(ex, 44, 7, 4), (10, 10, 10))
        cv.fill(ellipse(ex - 3, 40, 1.8, 1.5), (240, 240, 230))
    # wide mouth line and nostrils
    cv.fill(line([(22, 72), (40, 80), (64, 82), (88, 80), (106, 72)], 1.4), (40, 60, 20))
    cv.fill(ellipse(58, 62, 1.4, 1.2), (30, 45, 15))
    cv.fill(ellipse(70, 62, 1.4, 1.2), (30, 45, 15))
    # dark spots
    rng = np.random.default_rng(6)
    spots = union(*[ellipse(x, y, r, r * 0.8, soften=1) for x, y, r in
                    zip(rng.uniform(20, 108, 14), rng.uniform(58, 94, 14), rng.uniform(2, 4.5, 14))])
    cv.fill(spots * body * (1 - ellipse(64, 100, 30, 14)) * 0.6, (45, 75, 25))
    return cv.finish(grain=0.025, blotch=0.04)


def cat():
    cv = Canvas(707)
    cv.fill(np.ones((S, S), np.float32), hgrad((195, 180, 160), (150, 135, 115)), tex=0.1, tex_cells=(4, 8))
    fur = (200, 135, 70)
    sh = light(58, 50, 70, 0.7, 1.15)
    # body / shoulders at the bottom
    cv.fill(ellipse(64, 132, 60, 34), fur, sh, tex=0.12)
    # ears
    for pts, inner in (([(18, 48), (22, 6), (50, 30)], [(24, 40), (26, 16), (44, 32)]),
                       ([(110, 48), (106, 6), (78, 30)], [(104, 40), (102, 16), (84, 32)])):
        cv.fill(poly(pts), fur, sh, tex=0.1)
        cv.fill(poly(inner), (225, 160, 150), sh)
    # head
    head = union(ellipse(64, 62, 46, 40), ellipse(64, 80, 36, 26))
    cv.fill(head, fur, sh, tex=0.12)
    # tabby stripes on the forehead and cheeks
    for x0, x1 in ((56, 54), (64, 64), (72, 74)):
        cv.fill(taper([(x0, 24), (x1, 40)], 3, 1.2), (140, 80, 35))
    for s in (-1, 1):
        for dy in (0, 6):
            cv.fill(taper([(64 + s * 44, 64 + dy), (64 + s * 32, 66 + dy)], 2.5, 1), (140, 80, 35))
    # white muzzle and chin
    cv.fill(union(ellipse(55, 82, 11, 8), ellipse(73, 82, 11, 8), ellipse(64, 92, 10, 6)), (245, 235, 220),
            light(64, 80, 20, 0.85, 1.05))
    # eyes
    for ex in (44, 84):
        cv.fill(ellipse(ex, 60, 10, 8), (150, 190, 60), light(ex, 58, 10, 0.7, 1.15))
        cv.fill(ellipse(ex, 60, 2.6, 7.5), (10, 10, 10))
        cv.fill(ellipse(ex + 3, 57, 1.6, 1.6), (250, 250, 245))
    # nose and mouth
    cv.fill(poly([(58, 74), (70, 74), (64, 80)]), (215, 120, 120))
    cv.fill(line([(64, 80), (64, 84), (58, 88)], 0.9), (90, 60, 50))
    cv.fill(line([(64, 84), (70, 88)], 0.9), (90, 60, 50))
    # whiskers
    for s in (-1, 1):
        for dy in (-2, 2, 6):
            cv.fill(line([(64 + s * 14, 83 + dy * 0.5), (64 + s * 46, 78 + dy * 1.6)], 0.5), (250, 250, 250))
    return cv.finish(grain=0.025)


def bird():
    cv = Canvas(808)
    cv.fill(np.ones((S, S), np.float32), vgrad((150, 185, 215), (190, 210, 200)))
    # blurred foliage in the background
    leaves = union(*[ellipse(x, y, 16, 12, soften=5) for x, y in [(10, 20), (118, 12), (120, 110), (4, 118)]])
    cv.fill(leaves * 0.8, (90, 130, 70), tex=0.2)
    # branch
    cv.fill(taper([(0, 96), (60, 90), (128, 98)], 9, 6), (95, 70, 45), light(64, 88, 70, 0.7, 1.1), tex=0.15)
    cv.fill(taper([(92, 95), (112, 80), (126, 72)], 4, 2), (95, 70, 45), tex=0.15)
    # a robin-like songbird perched on the branch: body tilted, head up-left, tail down-right
    back = (115, 98, 82)
    sh = light(48, 40, 60, 0.72, 1.18)
    cv.fill(poly([(82, 70), (92, 74), (118, 100), (108, 104)]), (80, 68, 58), light(96, 80, 30, 0.8, 1.1))
    for x in (56, 66):
        cv.fill(line([(x, 76), (x - 1, 91)], 1.5), (70, 55, 45))
    body = union(ellipse(64, 64, 29, 18, angle=35), ellipse(42, 42, 14, 13))
    cv.fill(body, back, sh, tex=0.08)
    # orange breast and pale belly
    cv.fill(body * ellipse(48, 62, 15, 18, angle=20, soften=2), (225, 125, 55), light(44, 56, 22, 0.85, 1.1))
    cv.fill(body * ellipse(62, 78, 10, 6, angle=35, soften=2), (235, 225, 205))
    # folded wing with a pointed tip over the tail
    wing = union(ellipse(72, 60, 22, 10, angle=38), poly([(78, 58), (96, 80), (90, 82), (70, 70)]))
    cv.fill(wing, (85, 72, 60), light(66, 52, 28, 0.75, 1.12), tex=0.08)
    for i in range(3):
        cv.fill(line([(64 + i * 4, 56 + i * 3), (86 + i * 2, 72 + i * 2)], 0.7), (55, 45, 38))
    # beak, eye with a pale ring
    cv.fill(poly([(30, 39), (18, 43), (30, 46)]), (215, 170, 60))
    cv.fill(ellipse(38, 39, 3.6, 3.6), (235, 230, 220))
    cv.fill(ellipse(38, 39, 2.7, 2.7), (15, 12, 10))
    cv.fill(ellipse(37, 38, 0.9, 0.9), (240, 240, 240))
    return cv.finish(grain=0.02)


def dog():
    cv = Canvas(909)
    grass_bg = vgrad((120, 150, 90), (80, 115, 55))
    cv.fill(np.ones((S, S), np.float32), grass_bg, tex=0.2, tex_cells=(4, 8, 16))
    fur = (195, 145, 85)
    sh = light(60, 48, 70, 0.7, 1.15)
    # body / chest below the head
    cv.fill(ellipse(64, 128, 54, 36), fur, sh, tex=0.1)
    cv.fill(ellipse(64, 118, 20, 16, soften=3), (240, 225, 195))
    # floppy ears (behind the head)
    for s in (-1, 1):
        cv.fill(ellipse(64 + s * 38, 56, 13, 26, angle=-s * 15), (130, 85, 45), light(64 + s * 38, 45, 30, 0.7, 1.1),
                tex=0.1)
    # head and muzzle
    cv.fill(union(ellipse(64, 54, 34, 32), ellipse(64, 78, 24, 20)), fur, sh, tex=0.1)
    cv.fill(union(ellipse(64, 80, 19, 15), ellipse(64, 62, 6, 14)), (240, 225, 195), light(64, 76, 20, 0.85, 1.05))
    # eyes
    for ex in (48, 80):
        cv.fill(ellipse(ex, 52, 5, 5), (40, 25, 15))
        cv.fill(ellipse(ex + 1.5, 50.5, 1.4, 1.4), (240, 240, 240))
    # nose, mouth, tongue
    cv.fill(ellipse(64, 72, 8, 5.5), (25, 20, 20), light(62, 70, 8, 0.8, 1.3))
    cv.fill(line([(64, 77), (64, 84)], 1.0), (50, 35, 30))
    cv.fill(line([(54, 86), (64, 84), (74, 86)], 1.0), (50, 35, 30))
    cv.fill(ellipse(64, 92, 6, 7) * (_yy > 86), (220, 100, 110))
    return cv.finish(grain=0.025)


PICTURES = {
    "airplane": airplane, "automobile": automobile, "truck": truck, "horse": horse, "deer": deer,
    "frog": frog, "cat": cat, "bird": bird, "dog": dog,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    only = sys.argv[2:]
    for name, fn in PICTURES.items():
        if only and name not in only:
            continue
        fn().save(os.path.join(out, name + ".png"), optimize=True)
        print("wrote", os.path.join(out, name + ".png"))


if __name__ == "__main__":
    main()
