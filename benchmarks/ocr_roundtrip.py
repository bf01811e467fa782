"""A real OCR round trip: print the fixtures' clean articles as newspaper columns, read them
back with an OCR engine, clean the OCR text with kcclean, and count what is wrong before and
after, by kind of error.

Slow (seconds per paragraph on a shared machine), so not part of the test suite. Needs the
`ocr` extra (`pip install -e ".[ocr]"`: Pillow to render, rapidocr_onnxruntime to read, its
models inside the package) and a CJK font (Debian: `apt-get install fonts-noto-cjk`).

    .venv/bin/python benchmarks/ocr_roundtrip.py --paragraphs 60 --scale 0.5 --blur 0.6 --noise 12
    .venv/bin/python benchmarks/ocr_roundtrip.py --cache /tmp/ocr.json   # reuse OCR output

Each paragraph is drawn in a column of --width characters a line in Noto Serif CJK SC, then
degraded like a scan (downscaled, blurred, speckled), read line by line and the lines joined.
Errors are the edits between the clean paragraph and the text read, sorted into: confusions
(one Chinese character read as another), dropped marks (punctuation missing), punctuation
width (a full-width mark read as its ASCII twin or back), and other. --confusions N lists the
N commonest confusions left after cleaning (printed → read): where the confusion set grows.
The clean text is the project's own (fixtures/**/*.expected), never published text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # kcclean_dev, the generator and damage models

import regex  # noqa: E402
from kcclean_dev.char_damage import clean_paragraphs  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from kcclean.evaluate import load_articles  # noqa: E402
from kcclean.rules import load_rulebook  # noqa: E402

FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
FONT_INDEX = 2  # the collection's Simplified Chinese face
KINDS = ("confusion", "dropped mark", "punctuation width", "other")
_HAN = regex.compile(r"\p{Han}")
_MARK = regex.compile(r"[\p{P}\p{S}]")
_WIDTH = dict(zip("，。：；！？（）“”、", ",.:;!?()\"\"\\"))


def paragraphs(limit: int, seed: int) -> list[str]:
    texts = [p for path in sorted((ROOT / "fixtures").rglob("*.expected")) for a in load_articles(path) for p in a.body]
    random.Random(seed).shuffle(texts)
    return texts[:limit]


def render(text: str, width: int, size: int, scale: float, blur: float, noise: int, rng: random.Random):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size, index=FONT_INDEX)
    lines = [text[i : i + width] for i in range(0, len(text), width)]
    pitch, margin = int(size * 1.5), size
    image = Image.new("L", (width * size + 2 * margin, len(lines) * pitch + 2 * margin), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((margin, margin + number * pitch), line, font=font, fill=0)
    return degrade(image, scale, blur, noise, rng)


def degrade(image, scale: float, blur: float, noise: int, rng: random.Random):
    """A clean greyscale page made to look scanned: downscaled and back, blurred, speckled."""
    from PIL import Image, ImageFilter

    if scale < 1:
        small = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.BILINEAR)
        image = small.resize(image.size, Image.Resampling.BILINEAR)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        pixels = image.load()
        for _ in range(image.width * image.height // 50):
            x, y = rng.randrange(image.width), rng.randrange(image.height)
            pixels[x, y] = max(0, min(255, pixels[x, y] + rng.randint(-noise * 8, noise * 8)))
    return image.convert("RGB")


def read_back(engine, image) -> str:
    import numpy

    found, _ = engine(numpy.array(image))
    boxes = sorted(found or [], key=lambda item: (item[0][0][1] + item[0][2][1]) / 2)
    return "".join(text for _, text, _ in boxes)


def kind_of(printed: str, read: str) -> str:
    if printed and read and _HAN.match(printed) and _HAN.match(read):
        return "confusion"
    if printed and not read and _MARK.match(printed):
        return "dropped mark"
    if printed and read and (_WIDTH.get(printed) == read or _WIDTH.get(read) == printed):
        return "punctuation width"
    return "other"


def errors(clean: str, read: str, confusions: Counter) -> Counter:
    """Edits from the clean text to the text read, by kind; confusions counted printed → read."""
    kinds: Counter = Counter()
    for op in Levenshtein.opcodes(clean, read):
        if op.tag == "equal":
            continue
        printed, got = clean[op.src_start : op.src_end], read[op.dest_start : op.dest_end]
        for index in range(max(len(printed), len(got))):
            a = printed[index] if index < len(printed) else ""
            b = got[index] if index < len(got) else ""
            kind = kind_of(a, b)
            kinds[kind] += 1
            if kind == "confusion":
                confusions[a + "→" + b] += 1
    return kinds


def scan_options(parser: argparse.ArgumentParser) -> None:
    """The options of a simulated scan (`degrade`) and of the OCR cache."""
    parser.add_argument("--scale", type=float, default=0.5, help="downscale and back, like a low-resolution scan")
    parser.add_argument("--blur", type=float, default=0.6, help="Gaussian blur radius in pixels")
    parser.add_argument("--noise", type=int, default=12, help="speckle strength (0: none)")
    parser.add_argument("--cache", type=Path, help="JSON file of OCR results, reused across runs")


def engine_class():
    """RapidOCR's engine class, or exit saying what is missing (the font or the engine)."""
    if not FONT.is_file():
        sys.exit(f"no CJK font at {FONT}: apt-get install fonts-noto-cjk")
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        sys.exit('the OCR engine is missing: pip install -e ".[ocr]"')
    return RapidOCR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=60, help="how many fixture paragraphs (random, by --seed)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--width", type=int, default=14, help="characters a column line")
    parser.add_argument("--size", type=int, default=26, help="font size in pixels")
    scan_options(parser)
    parser.add_argument("--confusions", type=int, default=25, help="list this many confusions left after cleaning")
    args = parser.parse_args()
    RapidOCR = engine_class()
    cache = json.loads(args.cache.read_text(encoding="utf-8")) if args.cache and args.cache.is_file() else {}
    settings = f"{args.width}/{args.size}/{args.scale}/{args.blur}/{args.noise}"
    texts = paragraphs(args.paragraphs, args.seed)
    engine = None
    read = []
    started = time.perf_counter()
    for number, text in enumerate(texts):
        key = hashlib.sha1(f"{settings}\n{text}".encode()).hexdigest()
        if key not in cache:
            engine = engine or RapidOCR()
            image = render(text, args.width, args.size, args.scale, args.blur, args.noise, random.Random(key))
            cache[key] = read_back(engine, image)
            print(f"\rread {number + 1}/{len(texts)} paragraphs", end="", file=sys.stderr, flush=True)
        read.append(cache[key])
    print(f"\r{len(texts)} paragraphs read in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.cache:
        args.cache.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")

    cleaned = clean_paragraphs(read, load_rulebook())
    characters = sum(map(len, texts))
    before, after = Counter(), Counter()
    confusions_before, confusions_after = Counter(), Counter()
    for text, got, fixed in zip(texts, read, cleaned):
        before += errors(text, got, confusions_before)
        after += errors(text, fixed, confusions_after)
    print(f"OCR round trip: {len(texts)} paragraphs, {characters} characters; scan {settings} (width/size/scale/blur/noise)")
    print(f"{'error kind':18} {'before':>7} {'after':>7} {'CER before':>10} {'CER after':>9}")
    for kind in (*KINDS, "all"):
        b = sum(before.values()) if kind == "all" else before[kind]
        a = sum(after.values()) if kind == "all" else after[kind]
        print(f"{kind:18} {b:>7} {a:>7} {b / characters:>10.4f} {a / characters:>9.4f}")
    wrong = [(t, g, f) for t, g, f in zip(texts, read, cleaned) if Levenshtein.distance(t, f) > Levenshtein.distance(t, g)]
    print(f"paragraphs kcclean made worse: {len(wrong)}")
    for text, got, fixed in wrong[:5]:
        print(f"  read  {got[:60]!r}\n  fixed {fixed[:60]!r}")
    if args.confusions:
        fixed_count = confusions_before - confusions_after
        print(f"confusions fixed: {sum(fixed_count.values())} of {sum(confusions_before.values())}")
        left = ", ".join(f"{pair} ×{n}" for pair, n in confusions_after.most_common(args.confusions))
        print(f"left (printed→read): {left or 'none'}")


if __name__ == "__main__":
    main()
