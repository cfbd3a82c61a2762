"""Writes the real-file fixtures for countFrames (discovery.test.ts): tiny still and animated
GIF, PNG/APNG and WebP files, made by an encoder other than our own test helpers.

    /usr/bin/python3 src/core/__fixtures__/make_fixtures.py
"""
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


if __name__ == '__main__':
    main()
