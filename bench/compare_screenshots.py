"""Compares two folders of screenshots (tests/browser/test_css_screenshots.py) pixel by pixel:
`python bench/compare_screenshots.py tmp/css-before tmp/css-after`. Prints each picture that
differs, with the number of pixels and the box around them, and writes the difference image
next to the second folder's picture (NAME.diff.png) to look at."""

import sys
from pathlib import Path

from PIL import Image, ImageChops


def compare(before: Path, after: Path) -> int:
    differing = 0
    for old_path in sorted(before.glob("*.png")):
        new_path = after / old_path.name
        if not new_path.exists():
            print(f"{old_path.name}: missing in {after}")
            differing += 1
            continue
        old, new = Image.open(old_path).convert("RGB"), Image.open(new_path).convert("RGB")
        if old.size != new.size:
            print(f"{old_path.name}: size {old.size} -> {new.size}")
            differing += 1
            continue
        difference = ImageChops.difference(old, new)
        box = difference.getbbox()
        if box:
            red, green, blue = difference.split()
            largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
            pixels = largest.point(lambda value: 255 if value else 0).histogram()[255]
            print(f"{old_path.name}: {pixels} pixels differ in {box}")
            difference.point(lambda value: 255 if value else 0).save(
                new_path.with_suffix(".diff.png")
            )
            differing += 1
    print(f"{differing} of {len(list(before.glob('*.png')))} differ")
    return differing


if __name__ == "__main__":
    sys.exit(1 if compare(Path(sys.argv[1]), Path(sys.argv[2])) else 0)
