"""The renderer's two fast paths, checked against slow references: the PNG encoder
(decoded by Skia and by hand) and NumPy-built Skia paths (against point-by-point ones)."""
from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

skia = pytest.importorskip("skia")

import groggy.viz.png as png_module  # noqa: E402
from groggy.viz.png import encode_png  # noqa: E402
from groggy.viz.skia_paths import (_slow_path, _slow_polygons, _slow_quads,  # noqa: E402
                                   dots_path, polygons_path, quads_path, segments_path)


def chunks(data: bytes) -> list:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(data):
        (size,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + size]
        (crc,) = struct.unpack(">I", data[at + 8 + size:at + 12 + size])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind}"
        out.append((kind, body))
        at += 12 + size
    return out


def decode_by_hand(data: bytes) -> np.ndarray:
    parts = dict(chunks(data))
    w, h = struct.unpack(">II", parts[b"IHDR"][:8])
    rows = np.frombuffer(zlib.decompress(parts[b"IDAT"]), np.uint8).reshape(h, 1 + 4 * w)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(h, w, 4)


@pytest.fixture(params=["isal", "zlib"])
def deflate(request, monkeypatch):
    """Each test runs with ISA-L deflate and with the threaded zlib fallback."""
    if request.param == "isal":
        if png_module.isal_zlib is None:
            pytest.skip("isal is not installed")
    else:
        monkeypatch.setattr(png_module, "isal_zlib", None)
    return request.param


@settings(max_examples=30, deadline=None,  # the fixture only picks the deflate engine
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_png_round_trips_exactly(deflate, h, w, seed):
    rgba = np.random.default_rng(seed).integers(0, 256, (h, w, 4), dtype=np.uint8)
    assert np.array_equal(decode_by_hand(encode_png(rgba)), rgba)


def test_png_in_bands_decodes_in_skia(deflate):
    # big enough for the zlib fallback to cut it into bands deflated on two threads
    rgba = np.zeros((1000, 1500, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[::7, :, 0] = 200
    rgba[:, ::5, 2] = np.arange(1000)[:, None] % 256
    data = encode_png(rgba)
    assert np.array_equal(decode_by_hand(data), rgba)
    image = skia.Image.MakeFromEncoded(skia.Data.MakeWithCopy(data))
    assert (image.width(), image.height()) == (1500, 1000)
    back = image.toarray(colorType=skia.kRGBA_8888_ColorType,
                         alphaType=skia.kUnpremul_AlphaType)
    assert np.array_equal(back, rgba)


def test_png_rejects_other_arrays():
    with pytest.raises(ValueError, match="uint8"):
        encode_png(np.zeros((4, 4, 3), dtype=np.uint8))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(*[st.floats(-1e4, 1e4, width=32)] * 4), max_size=30))
def test_segments_path_equals_point_by_point(segments):
    arr = np.array(segments, dtype=np.float32).reshape(-1, 4)
    fast = segments_path(arr[:, :2], arr[:, 2:])
    points = np.empty((2 * len(arr), 2), dtype=np.float32)
    points[0::2], points[1::2] = arr[:, :2], arr[:, 2:]
    assert bytes(fast.serialize()) == bytes(_slow_path(points).serialize())


def test_dots_path_draws_round_dots():
    surface = skia.Surface(40, 40)
    canvas = surface.getCanvas()
    canvas.clear(skia.ColorWHITE)
    paint = skia.Paint(AntiAlias=True, Color=skia.ColorBLACK, Style=skia.Paint.kStroke_Style,
                       StrokeWidth=10, StrokeCap=skia.Paint.kRound_Cap)
    canvas.drawPath(dots_path(np.array([[10.0, 10.0], [30.0, 25.0]])), paint)
    pixels = surface.toarray()
    assert pixels[10, 10, :3].max() == 0 and pixels[25, 30, :3].max() == 0  # centres
    assert pixels[10, 17, :3].min() == 255   # outside the radius
    assert pixels[14, 14, :3].min() == 255   # a square cap would have covered this corner


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 5), st.lists(st.floats(-1e4, 1e4, width=32), max_size=60))
def test_polygons_path_equals_point_by_point(corners, values):
    arr = np.array(values[:len(values) // (2 * corners) * 2 * corners],
                   dtype=np.float32).reshape(-1, corners, 2)
    assert bytes(polygons_path(arr).serialize()) == bytes(_slow_polygons(arr).serialize())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(*[st.floats(-1e4, 1e4, width=32)] * 6), max_size=20))
def test_quads_path_equals_point_by_point(curves):
    arr = np.array(curves, dtype=np.float32).reshape(-1, 6)
    fast = quads_path(arr[:, 0:2], arr[:, 2:4], arr[:, 4:6])
    assert bytes(fast.serialize()) == bytes(_slow_quads(arr.reshape(-1, 2)).serialize())


def test_png_records_its_dpi():
    data = encode_png(np.zeros((2, 2, 4), dtype=np.uint8), dpi=300)
    parts = dict(chunks(data))
    assert struct.unpack(">IIB", parts[b"pHYs"]) == (11811, 11811, 1)   # 300 / 0.0254
    assert b"pHYs" not in encode_png(np.zeros((2, 2, 4), dtype=np.uint8))
