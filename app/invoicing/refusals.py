"""Why an invoice could not be asked for or issued."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class InvoiceError(Refusal):
    MESSAGES = {
        "not_paid": _l("付款后才能申请发票。"),
        "already_asked": _l("这笔已经申请过发票（%(status)s）；如需更改，请等县扶贫办处理后再申请。"),
        "taxpayer_id": _l("纳税人识别号应为 18 位统一社会信用代码，请核对。"),
        "taxpayer_needed": _l("单位抬头需要填写纳税人识别号；个人抬头可以不填。"),
        "special_needs": _l("增值税专用发票需要填写单位的纳税人识别号、地址电话和开户行账号。"),
        "not_a_pdf": _l("请上传电子发票的 PDF 文件。"),
        "number": _l("请填写发票号码（8 到 20 位数字）。"),
        "decline_reason": _l("请写明不能开票的原因，买家会看到。"),
    }
