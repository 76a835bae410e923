"""How invoice kinds and statuses read on pages."""

from flask_babel import lazy_gettext as _l

KIND = {"normal": _l("增值税普通发票"), "special": _l("增值税专用发票")}
STATUS = {"requested": _l("待开票"), "issued": _l("已开票"), "declined": _l("未开票")}
