"""Draw simple product pictures locally with Pillow, so the demo needs no photos and no hotlinks."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = 640

_BACKGROUNDS = {
    "orange": ((255, 243, 224), (255, 224, 178)),
    "kiwi": ((241, 248, 233), (220, 237, 200)),
    "oil": ((255, 253, 231), (255, 245, 157)),
    "rice": ((250, 250, 245), (236, 233, 220)),
    "noodles": ((243, 237, 247), (225, 214, 235)),
    "pork": ((251, 233, 231), (244, 207, 200)),
    "bamboo": ((239, 235, 225), (222, 214, 195)),
    "mushroom": ((239, 235, 233), (215, 204, 200)),
    "tea": ((232, 245, 233), (200, 230, 201)),
    "eggs": ((255, 248, 225), (255, 236, 179)),
    "honey": ((255, 248, 225), (255, 224, 130)),
    "chili": ((255, 235, 238), (255, 205, 210)),
}


def _background(kind: str) -> Image.Image:
    top, bottom = _BACKGROUNDS[kind]
    image = Image.new("RGB", (SIZE, SIZE), top)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE):
        t = y / SIZE
        draw.line([(0, y), (SIZE, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=False)))
    return image


def _fruit(draw, rng, body, shine, leaf, count=5):
    spots = [(200, 330), (380, 300), (300, 430), (450, 440), (160, 470)][:count]
    for x, y in spots:
        r = rng.randint(85, 105)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=body)
        draw.ellipse([x - r // 2, y - r // 2, x - r // 5, y - r // 5], fill=shine)
        draw.ellipse([x + 5, y - r - 30, x + 70, y - r + 10], fill=leaf)


def _bottle(draw, liquid):
    draw.rounded_rectangle([220, 200, 420, 540], 40, fill=liquid, outline=(120, 90, 20), width=6)
    draw.rectangle([280, 130, 360, 205], fill=(230, 230, 230), outline=(120, 90, 20), width=6)
    draw.rectangle([270, 100, 370, 140], fill=(183, 28, 28))
    draw.rounded_rectangle([245, 320, 395, 430], 16, fill=(255, 255, 255))
    draw.ellipse([290, 345, 350, 405], fill=(76, 175, 80))


def _sack(draw, colour):
    draw.rounded_rectangle([170, 180, 470, 560], 60, fill=colour, outline=(141, 110, 99), width=6)
    draw.polygon([(200, 190), (320, 120), (440, 190)], fill=colour, outline=(141, 110, 99))
    draw.rectangle([230, 330, 410, 430], fill=(198, 40, 40))


def _pork(draw, rng):
    for i in range(3):
        x = 150 + i * 120
        draw.rounded_rectangle([x, 200, x + 100, 520], 20, fill=(121, 55, 35))
        for y in range(230, 500, 50):
            draw.rectangle([x + 8, y, x + 92, y + 14], fill=(240, 210, 190))
        draw.line([(x + 50, 140), (x + 50, 200)], fill=(90, 60, 40), width=6)


def _shoots(draw, rng):
    for i in range(4):
        x = 150 + i * 100
        draw.polygon([(x, 520), (x + 50, 220 + rng.randint(0, 60)), (x + 100, 520)], fill=(189, 160, 110))
        draw.line([(x + 20, 450), (x + 80, 430)], fill=(120, 90, 50), width=5)


def _mushrooms(draw, rng):
    for x, y in [(220, 300), (420, 340), (320, 440)]:
        draw.rectangle([x - 25, y, x + 25, y + 120], fill=(240, 230, 210))
        draw.pieslice([x - 110, y - 90, x + 110, y + 70], 180, 360, fill=(109, 76, 65))


def _tea(draw, rng):
    draw.rounded_rectangle([200, 220, 440, 540], 30, fill=(46, 125, 50))
    draw.rectangle([190, 180, 450, 230], fill=(27, 94, 32))
    for x, y in [(250, 330), (330, 380), (390, 320)]:
        draw.ellipse([x - 30, y - 60, x + 30, y + 60], fill=(165, 214, 167))


def _eggs(draw, rng):
    draw.rounded_rectangle([120, 380, 520, 540], 30, fill=(161, 136, 127))
    for i, x in enumerate(range(170, 500, 80)):
        top = 250 + (i % 2) * 30
        draw.ellipse([x - 40, top, x + 40, top + 130], fill=(245, 222, 190), outline=(200, 170, 130), width=3)


def _honey(draw, rng):
    draw.rounded_rectangle([210, 230, 430, 540], 50, fill=(255, 179, 0), outline=(160, 100, 0), width=6)
    draw.rectangle([230, 180, 410, 240], fill=(121, 85, 72))
    draw.polygon([(320, 330), (370, 360), (370, 420), (320, 450), (270, 420), (270, 360)], fill=(255, 224, 130))


def _chili(draw, rng):
    _bottle(draw, (211, 47, 47))


def draw_product_picture(kind: str, seed: int) -> bytes:
    """A 640×640 JPEG for a product of the given picture kind."""
    rng = random.Random(seed)
    image = _background(kind)
    draw = ImageDraw.Draw(image)
    painters = {
        "orange": lambda: _fruit(draw, rng, (251, 140, 0), (255, 204, 128), (56, 142, 60)),
        "kiwi": lambda: _fruit(draw, rng, (141, 110, 99), (188, 170, 164), (104, 159, 56), 4),
        "oil": lambda: _bottle(draw, (251, 192, 45)),
        "rice": lambda: _sack(draw, (245, 240, 225)),
        "noodles": lambda: _sack(draw, (206, 190, 220)),
        "pork": lambda: _pork(draw, rng),
        "bamboo": lambda: _shoots(draw, rng),
        "mushroom": lambda: _mushrooms(draw, rng),
        "tea": lambda: _tea(draw, rng),
        "eggs": lambda: _eggs(draw, rng),
        "honey": lambda: _honey(draw, rng),
        "chili": lambda: _chili(draw, rng),
    }
    painters[kind]()
    image = image.filter(ImageFilter.SMOOTH)
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=82, optimize=True)
    return jpeg.getvalue()
