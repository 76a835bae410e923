"""Why a catalogue change was refused, in words staff read in their language."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class CatalogueError(Refusal):
    MESSAGES = {
        "price_range": _l("价格应在 0.01 到 100000 元之间。"),
        "adjustment_range": _l("调整数量应为非零整数，一次最多 1000000 件。"),
        "reason_required": _l("请写明调整原因，例如“新到一批货”或“运输损坏”。"),
        "stock_too_low": _l("库存不足：%(code)s 现有 %(stock)s 件，不能减少 %(wanted)s 件。"),
        "image_too_large": _l("图片不能超过 %(mb)s MB。"),
        "image_format": _l("只接受 JPEG、PNG 或 WebP 图片。"),
        "image_unreadable": _l("无法识别这个图片文件，请上传 JPEG、PNG 或 WebP 图片。"),
        "validity_order": _l("有效期结束日期不能早于开始日期。"),
        "category_and_producer": _l("请选择品类和生产主体。"),
        "sku_code_taken": _l("商品编码 %(code)s 已被使用，请换一个。"),
        "needs_a_sku": _l("请先添加至少一个规格（价格和库存），再上架。"),
    }
