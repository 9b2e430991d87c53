"""Every odd kind of input image becomes upright 8-bit RGB; bad files give one-line errors; writes are atomic; sample grids."""
import numpy as np
import torch
import pytest
from PIL import Image

from ganlib import images
from ganlib.style import StyleConfig, prepare_images


def left_red_right_blue(width=40, height=20) -> Image.Image:
    array = np.zeros((height, width, 3), np.uint8)
    array[:, : width // 2] = (255, 0, 0)
    array[:, width // 2:] = (0, 0, 255)
    return Image.fromarray(array)


def test_exif_orientation_is_applied(tmp_path):
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    left_red_right_blue().save(path, exif=exif, quality=95)
    img = images.load_image(path)
    assert img.size == (20, 40)  # displayed upright: now portrait
    top, bottom = np.asarray(img)[2, 10], np.asarray(img)[-3, 10]
    assert top[0] > 200 and top[2] < 60  # the red left half is on top after a clockwise turn
    assert bottom[2] > 200 and bottom[0] < 60


def test_grey_and_palette_images_become_rgb(tmp_path):
    Image.fromarray(np.full((10, 12), 77, np.uint8), "L").save(tmp_path / "grey.png")
    left_red_right_blue().convert("P").save(tmp_path / "palette.gif")
    grey = images.load_image(tmp_path / "grey.png")
    assert grey.mode == "RGB" and np.all(np.asarray(grey) == 77)
    palette = images.load_image(tmp_path / "palette.gif")
    assert palette.mode == "RGB" and tuple(np.asarray(palette)[0, 0]) == (255, 0, 0)


def test_transparency_is_laid_over_white(tmp_path):
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[..., 1] = 255  # green ...
    rgba[:, :4, 3] = 255  # ... opaque on the left, fully transparent on the right
    Image.fromarray(rgba, "RGBA").save(tmp_path / "rgba.png")
    array = np.asarray(images.load_image(tmp_path / "rgba.png"))
    assert tuple(array[0, 0]) == (0, 255, 0)
    assert tuple(array[0, 7]) == (255, 255, 255)


def test_cmyk_becomes_rgb(tmp_path):
    left_red_right_blue().convert("CMYK").save(tmp_path / "cmyk.jpg", quality=95)
    assert Image.open(tmp_path / "cmyk.jpg").mode == "CMYK"
    array = np.asarray(images.load_image(tmp_path / "cmyk.jpg")).astype(int)
    assert array[5, 2, 0] > 200 and array[5, 2, 2] < 60  # still red on the left
    assert array[5, -3, 2] > 200 and array[5, -3, 0] < 60  # and blue on the right


def test_16_bit_images_are_scaled_not_clipped(tmp_path):
    ramp = np.linspace(0, 65535, 64, dtype=np.uint16).reshape(8, 8)
    deep = Image.fromarray(ramp)
    assert deep.mode == "I;16"
    deep.save(tmp_path / "deep.png")
    array = np.asarray(images.load_image(tmp_path / "deep.png"))[..., 0].astype(int)
    # PIL's own conversion would clip everything above 255 (almost the whole ramp) to white.
    assert array.min() == 0 and array.max() == 255
    assert abs(array.flat[32] - round(ramp.flat[32] / 257)) <= 1
    assert len(np.unique(array)) > 50


def test_huge_images_are_scaled_to_the_size(tmp_path):
    Image.new("RGB", (3000, 2000), (10, 20, 30)).save(tmp_path / "big.jpg")
    content, style = prepare_images(tmp_path / "big.jpg", tmp_path / "big.jpg", StyleConfig(size=60, style_scale=0.5))
    assert content.shape == (1, 3, 40, 60)
    assert style.shape == (1, 3, 20, 30)


def test_missing_folder_and_non_image_files_give_one_line_errors(tmp_path):
    (tmp_path / "notes.txt").write_text("not a picture\n")
    good = tmp_path / "good.png"
    left_red_right_blue().save(good)
    (tmp_path / "cut.png").write_bytes(good.read_bytes()[:60])
    cases = [(tmp_path / "absent.png", "content file .*absent.png not found"),
             (tmp_path, "is a folder, not an image file"),
             (tmp_path / "notes.txt", "notes.txt is not an image that PIL can read"),
             (tmp_path / "cut.png", "cut.png is damaged or truncated")]
    for path, message in cases:
        with pytest.raises(images.ImageError, match=message) as info:
            images.load_image(path, what="content")
        assert "\n" not in str(info.value)


def test_output_format_follows_the_extension_and_writes_atomically(tmp_path):
    img = left_red_right_blue()
    for name, fmt in [("a.png", "PNG"), ("b.JPG", "JPEG"), ("c.webp", "WEBP"), ("d.tif", "TIFF")]:
        images.save_image(img, tmp_path / name)
        with Image.open(tmp_path / name) as written:
            assert written.format == fmt and written.size == img.size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.JPG", "c.webp", "d.tif"]  # no temp files left
    for bad, message in [("noext", "has no extension"), ("e.xyz", "PIL cannot write .xyz files")]:
        with pytest.raises(images.ImageError, match=message):
            images.save_image(img, tmp_path / bad)


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.png"
    left_red_right_blue().save(target)
    before = target.read_bytes()

    def broken_save(self, fp, format=None, **options):
        fp.write(b"half an image")
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(images.ImageError, match="cannot write .*out.png \\(disk full\\)"):
        images.save_image(Image.new("RGB", (4, 4)), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


@pytest.mark.parametrize("shape, nrow", [((64, 1, 16, 16), 8), ((10, 3, 8, 8), 4), ((3, 1, 5, 5), 8)])
def test_sample_grids_match_torchvisions_make_grid(shape, nrow):
    """grid_image lays images out as torchvision's make_grid does (2-pixel black gaps, rows of
    `nrow`, [-1, 1] mapped to 0..255), pixel for pixel, grey and colour."""
    from torchvision.utils import make_grid

    from ganlib.images import grid_image

    torch.manual_seed(0)
    images = torch.rand(shape) * 2.4 - 1.2  # some values outside [-1, 1], clipped by both
    expected = make_grid(images.clamp(-1, 1), nrow=nrow, padding=2, normalize=True, value_range=(-1, 1))
    expected = expected.mul(255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    ours = np.asarray(grid_image(images, nrow))
    assert np.array_equal(ours, expected[:, :, 0] if shape[1] == 1 else expected)
