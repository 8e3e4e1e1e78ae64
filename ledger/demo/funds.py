"""The demo year's money (鹤山市—龙州县, 2020): the city's fiscal aid, donations and donated goods.

260 万元 of the city's own fiscal aid paid in batches by March, each with its voucher, and gifts of money and
goods (counted at their value) keeping donations over the plan's 130 万元, each with its receipt and, but for
two that the evidence check then finds missing, its agreement.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ledger.demo.year import ORDINALS, Document, Entry, Values, Year, wan


def disbursements(year: Year) -> list[Entry]:
    data, rng = year.data, year.rng
    fiscal, offices = data["fiscal_aid"], data["offices"]
    poverty_offices = [offices["east"]["poverty"], offices["west"]["poverty"]]
    entries = []

    def voucher(values: Values, lines: list[str]) -> Entry:
        name = f"拨付凭证-{values['voucher_no']}.pdf"
        document = Document(values["title"], values["voucher_no"], tuple(lines), values["payer"], values["date"])
        return Entry("disbursement", values, [(name, "拨付凭证", document)])

    def donation(values: Values, lines: list[str], number: int) -> Entry:
        """A gift's receipt, and its agreement but for two, which the evidence check then finds missing."""
        receipt = Document(values["title"], values["voucher_no"], tuple(lines), values["payee"], values["date"])
        documents = [(f"捐赠收据-{values['voucher_no']}.pdf", "收据", receipt)]
        if number not in (2, 9):
            signed = values["date"] - timedelta(days=7)
            agreement = Document(
                f"{values['payer']}捐赠协议书",
                f"鹤龙捐协〔{year.year}〕{number + 1:02d}号",
                (
                    f"捐赠方：{values['payer']}。受赠方：{values['payee']}。",
                    f"捐赠方自愿向受赠方捐赠{values['summary'].split('捐赠', 1)[1]}",
                    "受赠方按捐赠用途使用捐赠财产，接受捐赠方和社会监督。",
                ),
                values["payer"],
                signed,
            )
            documents.append((f"捐赠协议-{values['payer']}.pdf", "捐赠协议", agreement))
        return Entry("disbursement", values, documents)

    # 3.1 the city's own 260 万元, paid in batches by the plan's deadline (March).
    payments = fiscal["payments"]
    first, span = year.on(2, 17), (year.on(3, 31) - year.on(2, 17)) // len(payments)
    for number, payment in enumerate(payments):
        when = year.day(first + span * number, first + span * (number + 1))
        amount = Decimal(payment["amount"])
        values = {
            "title": f"拨付{year.year}年鹤山市本级财政帮扶资金（第{ORDINALS[number]}批）",
            "fund_type": "财政援助资金",
            "fund_level": "县区",
            "amount": amount,
            "date": when,
            "payer": fiscal["payer"],
            "payee": fiscal["payee"],
            "voucher_no": year.doc_no("鹤财预", when, per_year=100),
            "project": payment["project"],
            "use": payment["use"],
            "deep_poverty": payment["deep_poverty"],
            "summary": f"鹤山市本级财政帮扶资金第{ORDINALS[number]}批{wan(amount)}万元，用于{payment['project']}。",
            "responsible_units": data["departments"]["finance"],
            "record_status": year.status(when),
        }
        entries.append(
            voucher(
                values,
                [
                    f"根据{year.year}年度粤桂扶贫协作（鹤山—龙州）工作要点，现拨付鹤山市本级财政帮扶资金。",
                    f"付款单位：{fiscal['payer']}；收款单位：{fiscal['payee']}。",
                    f"金额：人民币{amount:,.2f}元。项目：{payment['project']}。",
                    "请按照粤桂扶贫协作资金管理规定专账核算，专款专用。",
                ],
            )
        )
    # 7.2 donations: eight at 17—32 万元 each keep the year over the plan's 130 万元.
    for gift in data["donations"]:
        when = year.day(year.on(4, 1), year.on(11, 30))
        amount = Decimal(rng.randrange(170_000, 320_001, 5_000))
        values = {
            "title": f"{gift['donor']}捐赠{gift['project']}资金",
            "fund_type": "社会帮扶资金",
            "fund_level": "社会",
            "amount": amount,
            "date": when,
            "payer": gift["donor"],
            "payee": gift["payee"],
            "voucher_no": f"捐赠票据No.{rng.randrange(10**7, 10**8)}",
            "project": gift["project"],
            "use": gift["use"],
            "deep_poverty": gift["deep_poverty"],
            "summary": f"{gift['donor']}向{gift['payee']}捐赠{wan(amount)}万元，用于{gift['project']}。",
            "responsible_units": poverty_offices,
            "record_status": year.status(when),
        }
        entries.append(
            donation(
                values,
                [
                    f"今收到{gift['donor']}捐赠款人民币{amount:,.2f}元。",
                    f"捐赠用途：{gift['project']}。",
                    f"接收单位：{gift['payee']}。",
                ],
                len(entries) - len(payments),
            )
        )
    # Donated goods count at their value (捐物折款).
    for gift in data["goods"]:
        when = year.day(year.on(gift["months"][0], 1), year.on(gift["months"][1], 28))
        low, high = gift["quantity"]
        step = 10 ** max(len(str(low)) - 2, 0)  # round quantities, as goods are counted
        quantity = rng.randrange(low, high + 1, step)
        amount = quantity * Decimal(gift["price"])
        what = f"{gift['goods']}{quantity}{gift['unit']}"
        values = {
            "title": f"{gift['donor']}捐赠{what}（折款）",
            "fund_type": "捐物折款",
            "fund_level": "社会",
            "amount": amount,
            "date": when,
            "payer": gift["donor"],
            "payee": gift["payee"],
            "voucher_no": f"物资接收单No.{rng.randrange(10**5):05d}",
            "use": gift["use"],
            "deep_poverty": False,
            "summary": f"{gift['donor']}向{gift['payee']}捐赠{what}，按单价{gift['price']}元折款{amount:,.2f}元。",
            "responsible_units": poverty_offices,
            "record_status": year.status(when),
        }
        entry = donation(
            values,
            [
                f"今收到{gift['donor']}捐赠{what}，单价{gift['price']}元，折合人民币{amount:,.2f}元。",
                f"接收单位：{gift['payee']}。物资已清点入库，按规定登记管理。",
            ],
            len(entries) - len(payments),
        )
        entry.photos.append(("捐赠仪式.jpg", f"{gift['donor']}捐赠{gift['goods']}仪式"))
        entries.append(entry)
    return entries
