"""Image loading: the bundled digits, the user's folders (broken files included), batching."""
import io
import os

import numpy as np
import pytest
import torch
from PIL import Image

from ganlib import data as gdata
from ganlib.data import DataError, ImageBank, load_folder_uint8, load_images


def test_digits_are_upscaled_uint8_with_full_range():
    images = load_images("digits", 32)
    assert images.shape == (1797, 1, 32, 32) and images.dtype == torch.uint8
    assert images.max() == 255 and images.min() == 0
    colour = load_images("digits", 16, channels=3)
    assert colour.shape == (1797, 3, 16, 16)
    assert torch.equal(colour[:, 0], colour[:, 2])


def test_colour_to_grey_uses_luma():
    red = torch.zeros(1, 3, 4, 4, dtype=torch.uint8)
    red[:, 0] = 255
    assert gdata.convert_channels(red, 1).unique().tolist() == [76]  # 0.299 * 255


def test_offline_torchvision_dataset_says_where_to_put_the_files(tmp_path):
    with pytest.raises(DataError, match=r"place MNIST/raw/ .* in .*" + tmp_path.name):
        gdata.load_torchvision_uint8("mnist", tmp_path, download=False)


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(DataError, match="unknown dataset 'svhn'"):
        load_images("svhn", 32)


def _save(img: Image.Image, path, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, **kwargs)


@pytest.fixture
def messy_folder(tmp_path):
    """A folder as learners have them: good files, broken files, odd modes, nested folders."""
    root = tmp_path / "photos"
    _save(Image.new("RGB", (60, 40), (200, 30, 30)), root / "good.png")
    _save(Image.new("RGB", (50, 50), (30, 200, 30)), root / "sub" / "deeper" / "good.JPG", quality=95)
    _save(Image.new("RGB", (30, 30), (0, 0, 255)), root / "good.bmp")
    _save(Image.new("RGB", (30, 30), (0, 0, 255)), root / "good.webp")
    # Fully transparent RGBA: must come out white, not black.
    _save(Image.new("RGBA", (32, 32), (0, 0, 0, 0)), root / "transparent.png")
    # 16-bit grey at half scale: must come out mid grey, not clipped to white.
    _save(Image.fromarray(np.full((32, 32), 32768, dtype=np.uint16)), root / "deep16.png")
    # A dark 16-bit picture (200 of 65535) stays dark: the file's bit depth sets the scale, not its values.
    _save(Image.fromarray(np.full((32, 32), 200, dtype=np.uint16)), root / "dark16.png")
    _save(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), root / "print.jpg")  # red in CMYK
    # EXIF orientation 6 (rotate 90 clockwise): a wide image with a white left half becomes tall,
    # white on top.
    wide = Image.new("L", (64, 32), 0)
    wide.paste(255, (0, 0, 32, 32))
    exif = Image.Exif()
    exif[0x0112] = 6
    _save(wide.convert("RGB"), root / "rotated.jpg", exif=exif, quality=95)
    # Broken ones.
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 10, 10)).save(buf, "JPEG")
    (root / "truncated.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    (root / "notes.png").write_text("not an image at all")
    (root / "empty.webp").write_bytes(b"")
    (root / "readme.txt").write_text("ignored: not an image suffix")
    return root


def test_messy_folder_loads_good_images_and_reports_skips(messy_folder):
    images, report = load_folder_uint8(messy_folder, 16, 3)
    assert images.shape == (9, 3, 16, 16) and images.dtype == torch.uint8
    assert sorted(n.split("/")[-1] for n, _ in report.skipped) == ["empty.webp", "notes.png", "truncated.jpg"]
    summary = report.summary()
    assert "9 images loaded" in summary and "skipped 3" in summary and "truncated.jpg" in summary

    files = sorted(p.relative_to(messy_folder).as_posix() for p in gdata.find_image_files(messy_folder)
                   if p.name not in ("truncated.jpg", "notes.png", "empty.webp"))
    by_name = dict(zip(files, images))
    assert by_name["transparent.png"].float().mean() > 250  # alpha over white
    assert 120 <= by_name["deep16.png"].float().mean() <= 135  # 16-bit scaled, not clipped
    assert by_name["dark16.png"].float().mean() < 3
    red = by_name["print.jpg"].float().mean((1, 2))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60  # CMYK converted to RGB
    rotated = by_name["rotated.jpg"].float().mean(0)
    assert rotated[:6].mean() > 200 and rotated[-6:].mean() < 50  # EXIF rotation applied: white on top


def test_huge_images_are_skipped(messy_folder, monkeypatch):
    monkeypatch.setattr(gdata, "MAX_SOURCE_PIXELS", 2100)  # now 60x40 and 50x50 are "huge", 64x32 is not
    images, report = load_folder_uint8(messy_folder, 16, 3)
    too_large = sorted(n.split("/")[-1] for n, why in report.skipped if "too large" in why)
    assert too_large == ["good.JPG", "good.png"]
    assert len(images) == 7


def test_folder_images_are_centre_cropped(tmp_path):
    # A wide picture in three vertical bands: red, green, blue. The square crop keeps the middle one.
    band = np.zeros((30, 90, 3), dtype=np.uint8)
    band[:, :30, 0] = band[:, 30:60, 1] = band[:, 60:, 2] = 255
    Image.fromarray(band).save(tmp_path / "wide.png")
    images, _ = load_folder_uint8(tmp_path, 16, 3)
    means = images[0].float().mean(dim=(1, 2))
    assert means[1] > 240 and means[0] < 15 and means[2] < 15


def test_folder_without_usable_images_is_an_error(tmp_path):
    (tmp_path / "a.png").write_text("nope")
    with pytest.raises(DataError, match="none of the 1 image files"):
        load_folder_uint8(tmp_path, 16, 3)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no image files"):
        load_folder_uint8(tmp_path / "empty", 16, 3)


def test_image_bank_epochs_are_permutations_and_ranks_disjoint():
    images = torch.arange(20, dtype=torch.uint8).view(20, 1, 1, 1).expand(20, 1, 2, 2).contiguous()
    bank = ImageBank(images, batch_size=5, device="cpu", seed=3)
    epoch0 = torch.cat([bank.indices(i) for i in range(4)])
    assert sorted(epoch0.tolist()) == list(range(20))
    epoch1 = torch.cat([bank.indices(i) for i in range(4, 8)])
    assert not torch.equal(epoch0, epoch1)
    assert torch.equal(ImageBank(images, 5, "cpu", seed=3).indices(6), bank.indices(6))  # a function of the step
    batch = bank.batch(0)
    assert batch.min() >= -1 and batch.max() <= 1 and batch.dtype == torch.float32
    ranks = [ImageBank(images, 5, "cpu", seed=3, rank=r, world_size=2) for r in range(2)]
    a, b = ranks[0].indices(1), ranks[1].indices(1)
    assert not set(a.tolist()) & set(b.tolist())
    with pytest.raises(DataError, match="fewer than one batch"):
        ImageBank(images, 11, "cpu", world_size=2)


def _png_folder(root, count=4):
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        Image.new("RGB", (20, 20), (60 * i, 10, 200)).save(root / f"{i}.png")
    return root


def test_folder_cache_returns_the_decoded_images_until_a_file_changes(tmp_path, monkeypatch):
    folder, cache = _png_folder(tmp_path / "imgs"), gdata.FolderCache(tmp_path / "cache")
    (folder / "broken.png").write_text("not an image")
    first, report = load_folder_uint8(folder, 8, 3, cache=cache)
    assert not report.cached and len(report.skipped) == 1
    decodes = []
    monkeypatch.setattr(gdata, "_decode_image", lambda *a: decodes.append(a) or np.zeros((8, 8, 3), np.uint8))

    again, report = load_folder_uint8(folder, 8, 3, cache=cache)
    assert torch.equal(again, first) and report.cached and not decodes
    assert [name for name, _ in report.skipped] == [str(folder / "broken.png")]  # still reported
    assert "from the cache" in report.summary()

    # Another size is another entry; the first one stays.
    load_folder_uint8(folder, 4, 3, cache=cache)
    assert len(decodes) == 5  # every file, the broken one included
    decodes.clear()

    # Each kind of change decodes the folder again: an edited file (new size and time), a touched
    # file (same bytes, new time), a new file, a removed file.
    changes = [
        lambda: Image.new("RGB", (30, 30), (1, 2, 3)).save(folder / "0.png"),
        lambda: os.utime(folder / "1.png", ns=(1, 1)),
        lambda: _png_folder(folder / "sub", 1),
        lambda: (folder / "2.png").unlink(),
    ]
    for change in changes:
        change()
        load_folder_uint8(folder, 8, 3, cache=cache)
        assert decodes, "a changed folder must be decoded again"
        decodes.clear()
        load_folder_uint8(folder, 8, 3, cache=cache)  # and the new entry is used next time
        assert not decodes
    assert len(list((tmp_path / "cache").glob("*.pt"))) == 2  # one per (folder, size): replaced, not piled up


def test_a_damaged_or_unwritable_folder_cache_only_costs_decoding(tmp_path):
    folder, cache = _png_folder(tmp_path / "imgs"), gdata.FolderCache(tmp_path / "cache")
    first, _ = load_folder_uint8(folder, 8, 3, cache=cache)
    entry = cache.entry(folder, 8, 3)
    entry.write_bytes(entry.read_bytes()[:100])  # cut short
    again, report = load_folder_uint8(folder, 8, 3, cache=cache)
    assert torch.equal(again, first) and not report.cached
    assert load_folder_uint8(folder, 8, 3, cache=cache)[1].cached  # rewritten whole

    blocked = gdata.FolderCache(tmp_path / "a-file")
    (tmp_path / "a-file").write_text("the cache folder's name is taken by a file")
    images, report = load_folder_uint8(folder, 8, 3, cache=blocked)
    assert torch.equal(images, first) and not report.cached


def test_folder_datasets_are_cached_in_ganlib_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))
    folder = _png_folder(tmp_path / "imgs")
    first = load_images(f"folder:{folder}", 8, 3)
    assert len(list((tmp_path / "cache" / "folders").glob("*.pt"))) == 1
    messages = []
    assert torch.equal(load_images(f"folder:{folder}", 8, 3, log=messages.append), first)
    assert "from the cache" in messages[0]
