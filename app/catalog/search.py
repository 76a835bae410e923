"""What a buyer may type to find a product besides its exact name: everyday variants (橘子, 桔,
柑 for 橘), pinyin (miju, xfmj), English (mandarin) and the county's name. Kept on each product
as ``search_text``, written whenever its name or subtitle is, so a search is still one indexed
query and never a guess at run time.

Chinese has no spaces between words, so a search matches substrings. To find them without
reading every product, each product keeps its index terms (``product_terms``): every character,
and every run of two and of three neighbouring characters, of what a buyer may search it by. A
word of one or two characters — most Chinese searches (蜜橘, 茶油) — is then exactly one term. A
longer word is looked up by its first and last three characters, which few products share (the
pairs of "mandarin" are in most pinyin; "man" and "rin" are not), and those few are checked for
the word itself."""

import re
import unicodedata

# Chinese words for the same produce: a buyer types any of them.
VARIANTS = {
    "橘": "桔 柑 橘子 桔子 柑橘",
    "蜜橘": "蜜桔",
    "橙": "橙子 脐橙",
    "柚": "柚子",
    "猕猴桃": "奇异果",
    "腊肉": "腊货 熏肉",
    "笋": "竹笋",
    "香菇": "蘑菇 菌菇",
    "蜂蜜": "土蜂蜜",
    "鸡蛋": "土鸡蛋 蛋",
}
# English for the county's produce, for visitors and the English pages.
ENGLISH = {
    "橘": "mandarin tangerine citrus orange",
    "橙": "orange navel",
    "柚": "pomelo",
    "猕猴桃": "kiwi kiwifruit",
    "茶": "tea",
    "绿茶": "green tea",
    "红茶": "black tea",
    "茶油": "camellia oil",
    "油": "oil",
    "米": "rice",
    "粉": "noodles vermicelli",
    "腊肉": "cured pork bacon",
    "腊肠": "sausage",
    "笋": "bamboo shoots",
    "菇": "mushroom",
    "香菇": "shiitake mushroom",
    "蛋": "eggs",
    "蜂蜜": "honey",
    "蜜": "honey",
    "辣椒": "chili pepper",
    "椒": "chili",
    "薯": "sweet potato",
    "冰糖橙": "rock sugar orange",
}
COUNTY = "洞口 洞口县 dongkou"
MAX_WORDS = 5


def search_text(*texts: str, english: tuple[str | None, ...] = ()) -> str:
    """The extra words under which a product with these texts (name, subtitle) and the English
    staff gave it is found."""
    # Loaded here, when a product is written: pypinyin's dictionary is about 55 MB, which no
    # process that only serves pages should carry.
    from pypinyin import Style, lazy_pinyin

    joined = " ".join(t for t in texts if t)
    words = [COUNTY, *(e.lower() for e in english if e)]
    for text in (t for t in texts if t):
        hanzi = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
        if hanzi:
            words.append("".join(lazy_pinyin(hanzi)))
            words.append("".join(lazy_pinyin(hanzi, style=Style.FIRST_LETTER)))
    for table in (VARIANTS, ENGLISH):
        words += [extra for word, extra in table.items() if word in joined]
    return " ".join(words)[:2000]


def query_words(query: str) -> list[str]:
    """A search as words, each of which must match: 洞口 橘 is 洞口 and 橘. Full-width letters
    and spaces (a Chinese keyboard's) count as their plain forms; letters are matched in lower case."""
    normal = unicodedata.normalize("NFKC", query).lower()
    return [w for w in re.split(r"\s+", normal) if w][:MAX_WORDS]


def _runs(text: str) -> list[str]:
    return [run for run in re.split(r"\s+", unicodedata.normalize("NFKC", text).lower()) if run]


def document_terms(*texts: str) -> set[str]:
    """The index terms of a product's searchable texts: every piece of one, two and three
    neighbouring characters within each whitespace-free run, in the form searches are matched
    (NFKC, lower case)."""
    found: set[str] = set()
    for run in _runs(" ".join(texts)):
        for size in (1, 2, 3):
            found.update(run[i : i + size] for i in range(len(run) - size + 1))
    return found


def word_terms(word: str) -> set[str]:
    """Terms every product containing ``word`` (a query word, already normalised) has; for a word
    of up to three characters, exactly the products containing it."""
    if len(word) <= 3:
        return {word}
    return {word[:3], word[-3:]}
