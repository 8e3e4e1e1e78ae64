"""What a file is as evidence (its 材料类型: 会议纪要, 签到表, 照片 …), guessed one file at a time from the words
of its name and the kind of record it is attached to.

The guess only proposes: the window shows it beside each file before attaching, and it can be changed later.
The name decides first, because clerks name files by what they are (「联席会议纪要.pdf」, 「参训学员名单.xlsx」);
where two words appear, the one that ends last wins, as a Chinese name ends with what the thing is
(「干部任职花名册」 is a 花名册, 「销售凭证」 a 销售凭证 rather than a 拨付凭证). A photo's name counts only where it
names a paper (「签到表.jpg」); words of what a paper is about (拨付, 任职) count for documents, and words that say
only "a document" (通知, 文件) when nothing more telling is there. A name that says nothing leaves it to the
file's type and the record: a photo is a 照片 (a screenshot on a 宣传 record), a spreadsheet on a training or
labour record a 花名册, and a document on a record whose rules ask for one kind of document only (a cadre's
任职文件) is taken to be that one; otherwise 其他.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ledger.evidence import PHOTO_SUFFIXES, SPREADSHEET_SUFFIXES, clean_name
from ledger.models import EVIDENCE_ROLES

OTHER = "其他"

#: Nouns naming what a file shows, each with its role (the role's own name counts too): they tell for any file,
#: a photo included (「签到表.jpg」 is a sign-in sheet photographed).
_NOUNS: dict[str, tuple[str, ...]] = {
    "照片": ("照片", "相片", "合影", "合照"),
    "会议纪要": ("会议纪要", "纪要", "会议记录"),
    "签到表": ("签到表", "签到簿"),
    "拨付凭证": ("拨付凭证", "凭证", "回单", "进账单"),
    "捐赠协议": ("捐赠协议", "捐赠合同"),
    "收据": ("收据", "收条"),
    "任职文件": ("任职文件",),
    "花名册": ("花名册", "名册", "名单", "人员信息表"),
    "协议书": ("协议书", "协议", "合同", "备忘录"),
    "销售凭证": ("销售凭证", "销售清单", "发票", "订单"),
    "报道截图": ("报道截图", "截图"),
}
#: Words naming what a document is about: they tell for a document, not for a photo (「资金拨付仪式.jpg」 is a
#: photo of a ceremony, 「关于拨付资金的通知.pdf」 the disbursement's paper).
_TOPICS: dict[str, tuple[str, ...]] = {
    "签到表": ("签到",),
    "拨付凭证": ("拨付", "转账", "汇款", "付款"),
    "任职文件": ("任职", "任命", "任免"),
    "报道截图": ("报道", "新闻", "报纸", "版面"),
}
_DOCUMENT_WORDS = {role: _NOUNS.get(role, ()) + _TOPICS.get(role, ()) for role in EVIDENCE_ROLES}
#: Words that say only that a document is some paper: counted when the name has nothing more telling.
_PLAIN: dict[str, tuple[str, ...]] = {"通知文件": ("通知文件", "通知", "文件", "通报", "公函", "批复")}

#: The one document a kind's evidence rules ask for, where there is only one (resources/frameworks/*.json).
_KIND_DOCUMENT = {
    "cadre": "任职文件",
    "dispatch": "通知文件",
    "disbursement": "拨付凭证",
    "industry": "协议书",
    "consumption": "销售凭证",
    "tie": "协议书",
    "publicity": "报道截图",
}
#: Kinds whose lists of people (trainees, workers) are kept as spreadsheets.
_KIND_ROSTER = {"training", "labour"}

assert all(role in EVIDENCE_ROLES for role in (*_NOUNS, *_TOPICS, *_PLAIN, *_KIND_DOCUMENT.values(), OTHER))


def guess_role(path: Path | str, kind: str | None = None) -> str:
    """The role `path` most likely plays on a record of `kind` (meeting, cadre …); 其他 when nothing tells."""
    name = unicodedata.normalize("NFKC", clean_name(str(path)))  # the name alone, whichever the separator
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    if suffix in PHOTO_SUFFIXES:
        return _named(stem, _NOUNS) or ("报道截图" if kind == "publicity" else "照片")
    named = _named(stem, _DOCUMENT_WORDS) or _named(stem, _PLAIN)
    if named:
        return named
    if suffix in SPREADSHEET_SUFFIXES and kind in _KIND_ROSTER:
        return "花名册"
    return _KIND_DOCUMENT.get(kind or "", OTHER)


def _named(stem: str, words: dict[str, tuple[str, ...]]) -> str | None:
    """The role of the word that ends last in `stem` (of two ending together, the longer); None if none is there."""
    best: tuple[int, int, str] | None = None
    for role, spellings in words.items():
        for word in spellings:
            start = stem.rfind(word)
            if start >= 0:
                found = (start + len(word), len(word), role)
                if best is None or found[:2] > best[:2]:
                    best = found
    return best[2] if best else None
