"""Fixed demo content: the county's townships, categories and products.

Township names follow Dongkou's published divisions as far as we know them; people, ID
numbers, phones, producers and certificates are fictional.
"""

# (code, name, kind)
TOWNSHIPS = [
    ("wenchang", "文昌街道", "subdistrict"),
    ("xuefeng", "雪峰街道", "subdistrict"),
    ("huagu", "花古街道", "subdistrict"),
    ("dongkou", "洞口镇", "town"),
    ("gaosha", "高沙镇", "town"),
    ("zhushi", "竹市镇", "town"),
    ("shijiang", "石江镇", "town"),
    ("huangqiao", "黄桥镇", "town"),
    ("shanmen", "山门镇", "town"),
    ("laotian", "醪田镇", "town"),
    ("huayuan", "花园镇", "town"),
    ("yanshan", "岩山镇", "town"),
    ("shuidong", "水东镇", "town"),
    ("yanglin", "杨林镇", "town"),
    ("shizhu", "石柱镇", "town"),
    ("jiangkou", "江口镇", "town"),
    ("yulan", "毓兰镇", "town"),
    ("yuexi", "月溪镇", "town"),
    ("liaomei", "蓼湄镇", "town"),
    ("luoxi", "罗溪瑶族乡", "township"),
    ("naxi", "那溪瑶族乡", "township"),
    ("changtang", "长塘瑶族乡", "township"),
    ("dawu", "大屋瑶族乡", "township"),
    ("gulou", "古楼管理区", "management_area"),
]

VILLAGE_FIRST = "黄双青山桐木金龙石门大坪竹林枫树白沙水口杉木茶园罗家万福高峰和平新田龙潭松柏红岩梅花长冲"
VILLAGE_SECOND = "溪岭坪冲塘湾桥坳田岗"

SURNAMES = "刘王李张陈杨黄曾肖邓谢周尹罗彭唐袁胡蒋朱欧宁许戴龙"
GIVEN = "建国明华秀英桂兰志强春生冬梅小军德胜玉珍平安海燕文辉金凤红梅爱民永福丽娟国庆"

# (slug, name, sort)
CATEGORIES = [
    ("fruit", "时令水果", 1),
    ("oil-grain", "粮油米面", 2),
    ("cured-meat", "湘味腊货", 3),
    ("mountain", "山珍干货", 4),
    ("tea", "茶叶", 5),
    ("eggs-honey", "禽蛋蜂蜜", 6),
]

# slug, name, subtitle, category, township code, picture, featured, certified, skus[(code, name, unit, grams, fen, stock)]
PRODUCTS = [
    ("xuefeng-mandarin", "雪峰蜜橘", "雪峰山下的蜜橘，皮薄汁多，现摘现发", "fruit", "gaosha", "orange", True, True,
     [("XFMJ-5", "5 斤装", "箱", 2500, 3980, 800), ("XFMJ-10", "10 斤装", "箱", 5000, 6980, 600)]),
    ("navel-orange", "洞口脐橙", "果肉脆甜，适合送礼", "fruit", "huangqiao", "orange", True, True,
     [("QC-5", "5 斤装", "箱", 2500, 4580, 400), ("QC-10", "10 斤礼盒", "盒", 5000, 8800, 200)]),
    ("rock-sugar-orange", "冰糖橙", "甜度高，小朋友最爱", "fruit", "shijiang", "orange", False, True,
     [("BTC-5", "5 斤装", "箱", 2500, 3680, 300)]),
    ("yao-kiwi", "瑶乡猕猴桃", "长塘瑶族乡高山种植", "fruit", "changtang", "kiwi", False, True,
     [("MHT-3", "3 斤装", "箱", 1500, 4200, 150)]),
    ("camellia-oil", "野生山茶油", "古法压榨，一年一榨", "oil-grain", "luoxi", "oil", True, True,
     [("SCY-25", "2.5 升", "桶", 2300, 16800, 120), ("SCY-5", "5 升", "桶", 4600, 31800, 60)]),
    ("selenium-rice", "富硒大米", "山泉灌溉，当季新米", "oil-grain", "shanmen", "rice", True, True,
     [("FXDM-10", "10 斤装", "袋", 5000, 5980, 500), ("FXDM-50", "50 斤装", "袋", 25000, 26800, 80)]),
    ("sweet-potato-noodles", "红薯粉丝", "手工晾晒，无添加", "oil-grain", "yanglin", "noodles", False, False,
     [("HSFS-2", "2 斤装", "袋", 1000, 2800, 260)]),
    ("cured-pork", "洞口腊肉", "柴火熏制，土猪五花", "cured-meat", "shizhu", "pork", True, True,
     [("LR-1", "1 斤", "块", 500, 6800, 200), ("LR-3", "3 斤礼盒", "盒", 1500, 19800, 90)]),
    ("cured-sausage", "湘味腊肠", "瘦七肥三，烟熏香", "cured-meat", "zhushi", "pork", False, True,
     [("LC-1", "1 斤", "袋", 500, 5800, 150)]),
    ("winter-bamboo", "瑶乡冬笋干", "大屋瑶族乡山林冬笋", "mountain", "dawu", "bamboo", True, True,
     [("DSG-05", "半斤装", "袋", 250, 4500, 180)]),
    ("shiitake", "罗溪香菇", "椴木栽培，肉厚味浓", "mountain", "luoxi", "mushroom", False, True,
     [("XG-05", "半斤装", "袋", 250, 3900, 160)]),
    ("guluo-tea", "古楼云雾茶", "高山云雾，明前采摘", "tea", "gulou", "tea", True, True,
     [("GLC-100", "100 克", "罐", 100, 9800, 140), ("GLC-250", "250 克礼盒", "盒", 250, 22800, 50)]),
    ("yuexi-black-tea", "月溪红茶", "条索紧细，蜜香浓郁", "tea", "yuexi", "tea", False, False,
     [("YXHC-150", "150 克", "罐", 150, 8800, 90)]),
    ("free-range-eggs", "土鸡蛋", "林下散养，30 枚装", "eggs-honey", "naxi", "eggs", False, True,
     [("TJD-30", "30 枚", "盒", 1500, 4500, 240)]),
    ("mountain-honey", "瑶乡土蜂蜜", "中华蜂百花蜜", "eggs-honey", "naxi", "honey", True, True,
     [("FM-500", "500 克", "瓶", 500, 6800, 130)]),
    ("chili-sauce", "黄桥剁辣椒", "农家手工剁制", "mountain", "huangqiao", "chili", False, False,
     [("DLJ-500", "500 克", "瓶", 500, 2200, 300)]),
]

# English texts staff gave the demo catalogue, for the English pages.
CATEGORY_ENGLISH = {"fruit": "Fresh fruit", "oil-grain": "Oil and grain", "cured-meat": "Cured meats",
                    "mountain": "Mountain produce", "tea": "Tea", "eggs-honey": "Eggs and honey"}
PRODUCT_ENGLISH = {
    "xuefeng-mandarin": ("Xuefeng honey mandarins", "From the foot of Mount Xuefeng: thin skin, juicy, picked to order"),
    "navel-orange": ("Dongkou navel oranges", "Crisp and sweet, a fine gift"),
    "rock-sugar-orange": ("Rock-sugar oranges", "Very sweet, children's favourite"),
    "yao-kiwi": ("Yao highland kiwifruit", "Grown high in Changtang Yao Township"),
    "camellia-oil": ("Wild camellia oil", "Pressed the old way, once a year"),
    "selenium-rice": ("Selenium-rich rice", "Watered by mountain springs, this season's crop"),
    "sweet-potato-noodles": ("Sweet-potato noodles", "Sun-dried by hand, nothing added"),
    "cured-pork": ("Dongkou cured pork", "Smoked over wood fires, free-range pork belly"),
    "cured-sausage": ("Hunan cured sausage", "Seven parts lean, three parts fat, smoky"),
    "winter-bamboo": ("Dried winter bamboo shoots", "From the forests of Dawu Yao Township"),
    "shiitake": ("Luoxi shiitake mushrooms", "Grown on logs, thick and rich"),
    "guluo-tea": ("Gulou cloud-and-mist tea", "High-mountain tea, picked before Qingming"),
    "yuexi-black-tea": ("Yuexi black tea", "Tight, fine leaves with a honeyed aroma"),
    "free-range-eggs": ("Free-range eggs", "Hens roaming under the trees, 30 eggs"),
    "mountain-honey": ("Yao mountain honey", "Wildflower honey of the Chinese honeybee"),
    "chili-sauce": ("Huangqiao chopped chili", "Chopped by hand on the farm"),
}
CROP_ENGLISH = {"蜜橘": "mandarins", "脐橙": "navel oranges", "油茶": "camellia oil", "水稻": "rice", "生猪": "cured pork",
                "楠竹": "dried bamboo shoots", "香菇": "shiitake", "茶叶": "green tea", "蜂蜜": "honey",
                "蔬菜": "dried long beans", "中药材": "Solomon's seal", "红薯": "sweet-potato noodles"}
SKU_ENGLISH = {"5 斤装": "5 jin (2.5 kg)", "10 斤装": "10 jin (5 kg)", "10 斤礼盒": "10 jin gift box (5 kg)",
               "3 斤装": "3 jin (1.5 kg)", "50 斤装": "50 jin (25 kg)", "2 斤装": "2 jin (1 kg)", "1 斤": "1 jin (500 g)",
               "3 斤礼盒": "3 jin gift box (1.5 kg)", "半斤装": "half jin (250 g)", "2.5 升": "2.5 litres",
               "5 升": "5 litres", "100 克": "100 g", "250 克礼盒": "250 g gift box", "150 克": "150 g",
               "30 枚": "30 eggs", "500 克": "500 g", "250 克": "250 g"}
UNIT_ENGLISH = {"箱": "box", "盒": "box", "桶": "can", "袋": "bag", "块": "piece", "罐": "tin", "瓶": "jar"}

PRODUCER_KIND_NAMES = {
    "cooperative": "{town}{crop}种植专业合作社",
    "enterprise": "洞口县{crop}农业开发有限公司",
}

# At county scale every cooperative sells what it grows, so the catalogue has the size of the
# county's (one product per producer) and a product list runs to several pages.
# crop: (slug stem, product name, subtitle, category, picture, skus[(name, unit, grams, fen, stock)])
CROP_PRODUCTS = {
    "蜜橘": ("mandarin", "蜜橘", "合作社果园直供，现摘现发", "fruit", "orange", [("5 斤装", "箱", 2500, 3680, 400)]),
    "脐橙": ("navel", "脐橙", "果肉脆甜，产地直发", "fruit", "orange", [("5 斤装", "箱", 2500, 4280, 300)]),
    "油茶": ("camellia", "山茶油", "冷榨茶籽油，一年一榨", "oil-grain", "oil", [("2.5 升", "桶", 2300, 15800, 120)]),
    "水稻": ("rice", "大米", "当季新米，真空包装", "oil-grain", "rice", [("10 斤装", "袋", 5000, 5580, 400)]),
    "生猪": ("pork", "腊肉", "土猪五花，柴火熏制", "cured-meat", "pork", [("1 斤", "块", 500, 6580, 150)]),
    "楠竹": ("bamboo", "笋干", "山林鲜笋晒制", "mountain", "bamboo", [("半斤装", "袋", 250, 4280, 150)]),
    "香菇": ("mushroom", "香菇", "椴木栽培，肉厚味浓", "mountain", "mushroom", [("半斤装", "袋", 250, 3680, 150)]),
    "茶叶": ("tea", "绿茶", "高山茶园，明前采摘", "tea", "tea", [("100 克", "罐", 100, 8800, 120)]),
    "蜂蜜": ("honey", "土蜂蜜", "中华蜂百花蜜", "eggs-honey", "honey", [("500 克", "瓶", 500, 6580, 120)]),
    "蔬菜": ("beans", "干豆角", "农家晾晒，炖肉最香", "mountain", "chili", [("1 斤", "袋", 500, 2980, 200)]),
    "中药材": ("yuzhu", "玉竹", "林下种植，切片晒干", "mountain", "bamboo", [("250 克", "袋", 250, 5800, 100)]),
    "红薯": ("sweet-potato", "红薯粉丝", "手工晾晒，无添加", "oil-grain", "noodles", [("2 斤装", "袋", 1000, 2680, 200)]),
}
