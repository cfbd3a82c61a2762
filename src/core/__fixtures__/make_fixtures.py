"""Writes the real-file fixtures for countFrames (discovery.test.ts): tiny still and animated
GIF, PNG/APNG and WebP files; and for headerSize (image-header.test.ts): one 13 x 7 picture in
every format and flavour the header reader knows. Made by encoders other than our own test helpers
(PIL, avifenc for AVIF: apt-get install libavif-bin, and cjpeg for a JPEG stored as RGB:
apt-get install libjpeg-turbo-progs). And for the command line's JPEG reader
(src/node/upscale-cli.test.ts): a JPEG that stores RGB, not YCbCr (Adobe's marker, transform 0),
and one whose colour is stored at half the resolution (4:2:0, the usual), with the pixels libjpeg
gives of it (smooth colour upsampling, as browsers decode it).

    /usr/bin/python3 src/core/__fixtures__/make_fixtures.py
"""
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

HERE = Path(__file__).parent


def main() -> None:
    # Distinct colors: encoders merge identical consecutive frames.
    first, *rest = [Image.new('RGB', (8, 8), color) for color in ['red', 'lime', 'blue']]
    for ext in ['gif', 'png', 'webp']:
        first.save(HERE / f'animated.{ext}', save_all=True, append_images=rest, duration=100, loop=0)
        first.save(HERE / f'still.{ext}')
    # Transparency gives a still GIF a graphic control extension, and a still WebP the extended
    # (VP8X) container that animations use too: one frame each all the same.
    Image.new('P', (8, 8), 1).save(HERE / 'still-transparent.gif', transparency=1)
    Image.new('RGBA', (8, 8), (255, 0, 0, 128)).save(HERE / 'still-transparent.webp')
    # Not square, so a width read as the height shows.
    rgb = Image.new('RGB', (13, 7), 'teal')
    rgba = Image.new('RGBA', (13, 7), (0, 128, 128, 100))
    rgb.save(HERE / 'size-13x7.png')
    rgb.save(HERE / 'size-13x7.gif')
    rgb.save(HERE / 'size-13x7.bmp')
    rgb.save(HERE / 'size-13x7.jpg', exif=Image.Exif())  # an APP1 segment before the frame header
    rgb.save(HERE / 'size-13x7-progressive.jpg', progressive=True)
    rgb.save(HERE / 'size-13x7-lossy.webp')  # VP8
    rgb.save(HERE / 'size-13x7-lossless.webp', lossless=True)  # VP8L
    rgba.save(HERE / 'size-13x7-alpha.webp')  # VP8X
    with tempfile.TemporaryDirectory() as tmp:
        # AVIF states its size in a property box (ispe) per item: the alpha plane is an item too, and
        # a grid's tiles are items each, with the grid's own extent the whole picture's.
        for image, name, options in [(rgb, 'size-13x7', []), (rgba, 'size-13x7-alpha', []), (Image.new('RGB', (200, 140), 'teal'), 'size-200x140-grid', ['--grid', '2x2'])]:
            png = Path(tmp) / f'{name}.png'
            image.save(png)
            subprocess.run(['avifenc', '--speed', '10', *options, str(png), str(HERE / f'{name}.avif')], check=True, capture_output=True)
        # Red on the left, blue on the right: read as YCbCr, they come out other colours.
        halves = Image.new('RGB', (16, 8), (220, 30, 30))
        halves.paste((30, 30, 220), (8, 0, 16, 8))
        ppm = Path(tmp) / 'halves.ppm'
        halves.save(ppm)
        subprocess.run(['cjpeg', '-rgb', '-quality', '100', '-outfile', str(HERE / 'rgb-adobe.jpg'), str(ppm)], check=True, capture_output=True)

    chroma_edges()


def chroma_edges() -> None:
    """Red, blue and green fields meeting at an odd column and row (mid-pair of the halved colour)."""
    fields = Image.new('RGB', (33, 17), (30, 200, 30))
    fields.paste((220, 30, 30), (0, 0, 13, 9))
    fields.paste((30, 30, 220), (13, 0, 33, 9))
    fields.save(HERE / 'chroma-420.jpg', quality=95, subsampling=2)
    Image.open(HERE / 'chroma-420.jpg').convert('RGB').save(HERE / 'chroma-420-libjpeg.png')


if __name__ == '__main__':
    main()
