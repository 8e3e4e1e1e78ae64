"""Measures: what a plan's targets count or sum over the ledger, with the filters plans use.

A small registry rather than free code, so that targets can be stored as data (a measure's name and its
parameters), checked when they are set, listed for the user, and shown the same in progress, Excel and the
binder. Each measure counts or sums one record kind; its parameters narrow the records by the fields the
plans name (meeting type, direction of a dispatch, fund type …), each read, checked and labelled as the kind's
field spec declares it, or by a minimum stay. A few count or sum what is inside records: a pairing tie's
activities, which a tie keeps as dated entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ledger.activities import Activity
from ledger.errors import InvalidInput
from ledger.fields import Field, Problem
from ledger.kinds import KINDS, MODELS
from ledger.kinds.labour import EMPLOYMENT, JOB_FAIR
from ledger.kinds.publicity import PROVINCIAL_OR_ABOVE

TEN_THOUSAND = Decimal(10000)
#: The last year of 脱贫攻坚 and its 东西部扶贫协作考核; 东西部协作考核评价 from 2021 speaks of other people and places.
POVERTY_ERA_LAST = 2020
#: Words a label says for both eras (as `ledger measures` lists it), and what each era says instead: 2018–2020's,
#: then 2021 on's. Field labels keep the words of both, so a workbook of either era reads back.
ERA_WORDS = {
    "建档立卡/脱贫人口": ("建档立卡贫困人口", "脱贫人口（含监测对象）"),
    "深度贫困地区/重点帮扶县": ("深度贫困地区", "国家乡村振兴重点帮扶县"),
    "深度贫困地区": ("深度贫困地区", "国家乡村振兴重点帮扶县"),  # a target's condition on 投向深度贫困地区
}
_ERA_WORD = re.compile("|".join(map(re.escape, sorted(ERA_WORDS, key=len, reverse=True))))


def in_era(text: str, year: int | None) -> str:
    """`text` in the words of `year`'s assessment (培训建档立卡/脱贫人口人次 is 培训脱贫人口（含监测对象）人次 in 2022);
    as it is without a year."""
    if year is None:
        return text
    later = year > POVERTY_ERA_LAST
    return _ERA_WORD.sub(lambda found: ERA_WORDS[found.group()][later], text)


class Param:
    """A filter a target may set: on a field of the measure's kind (`FieldParam`), a minimum stay (`DaysParam`)
    or the words of a tie's activities (`ActivityParam`)."""

    name: str
    label: str
    #: How a plan sets it (the target dialog's editor, `ledger measures`): "choice", "bool", "text" or "days".
    kind: str
    choices: tuple[str, ...] = ()
    #: Narrows a tie's activities by their text (义诊) rather than the records; the measure's `compute` applies it.
    on_activities = False

    def parse(self, value: Any) -> Any:
        """The value in its stored form; raises ValueError with a Chinese reason."""
        raise NotImplementedError

    def describe(self, value: Any) -> str:
        """The value as a target's label says it: 党政联席会议, 在东部举办, 挂职30天以上."""
        raise NotImplementedError


@dataclass(frozen=True)
class FieldParam(Param):
    """A filter on one field of a record kind: its label, choices, reading and display are the field's own."""

    record_kind: str
    name: str
    #: How a chosen value reads in a target's label, where not as itself: 在{}举办 (在东部举办), {}级 ….
    shown: str = "{}"
    #: The field's choices the measure counts, where it counts only some (就业人数: 转移就业, 就近就地就业).
    within: tuple[str, ...] = ()
    field: Field = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", KINDS[self.record_kind].field(self.name))

    @property
    def label(self) -> str:
        return self.field.label

    @property
    def choices(self) -> tuple[str, ...]:
        # A programme, text with suggestions, is one of those the kind suggests.
        return self.within or self.field.choices or self.field.suggestions

    @property
    def kind(self) -> str:
        if not self.field.values.selects:
            return "text"
        # Of the fields that select records (`ledger.field_types`), a choice has its choices and a yes/no none.
        return "choice" if self.field.choices else "bool"

    def parse(self, value: Any) -> Any:
        values = self.field.values
        parsed = value if isinstance(value, bool) else values.parse(str(value))
        if self.choices and parsed not in self.choices:
            raise ValueError(f"只能是：{'、'.join(self.choices)}")
        if problem := values.problem(parsed):
            raise ValueError(problem)
        return parsed

    def describe(self, value: Any) -> str:
        if self.kind == "bool":
            return self.label if value else f"非{self.label}"
        return self.shown.format(self.field.values.display(value))


@dataclass(frozen=True)
class DaysParam(Param):
    """A minimum stay in days (挂职, 在岗): "不少于1个月" is 30."""

    label: str
    name = "min_days"
    kind = "days"

    def parse(self, value: Any) -> Any:
        try:
            days = int(str(value).strip())
        except ValueError:
            raise ValueError("应是天数，如 30") from None
        if days <= 0:
            raise ValueError("天数必须大于 0")
        return days

    def describe(self, value: Any) -> str:
        return f"{self.label}{value}天以上"


class MonthsParam(Param):
    """稳定就业: a worker on the job at least so many months of the year, by the dates of their roster row (a month
    taken as 30 days); only workers on a roster can be told so."""

    name = "min_months"
    label = "稳定就业"
    kind = "months"

    def parse(self, value: Any) -> Any:
        try:
            months = int(str(value).strip())
        except ValueError:
            raise ValueError("应是月数，如 6") from None
        if not 1 <= months <= 12:
            raise ValueError("月数应在 1 到 12 之间")
        return months

    def describe(self, value: Any) -> str:
        return f"在岗{value}个月以上"


class _YesNoParam(Param):
    kind = "bool"

    def parse(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        text = str(value).strip()
        if text in ("是", "true", "True", "1"):
            return True
        if text in ("否", "false", "False", "0"):
            return False
        raise ValueError("应填 是 或 否")


class StartedParam(_YesNoParam):
    """Only the records that start in the year, where a plan asks for those newly sent (新选派) rather than all
    in post; without it a record counts in every year it overlaps."""

    name = "started"
    label = "只计本年度开始的"

    def describe(self, value: Any) -> str:
        return "本年度新开始的" if value else "含上年延续的"


class PerCountyParam(_YesNoParam):
    """县均: the figure divided by the receiving counties the pairing covers (`Pairing.counties`), as national
    figures give 财政援助资金 per county; a pairing of one county divides by one."""

    name = "per_county"
    label = "县均"

    def describe(self, value: Any) -> str:
        return "县均" if value else "合计"


class ActivityParam(Param):
    """Words a tie's activity holds (义诊): it narrows the activities counted, not the ties."""

    name = "activity"
    label = "活动内容"
    kind = "text"
    on_activities = True

    def parse(self, value: Any) -> Any:
        text = str(value).strip()
        if not text:
            raise ValueError("不能为空")
        return text

    def describe(self, value: Any) -> str:
        return f"“{value}”"


def _fields(kind: str, *names: str, **shown: str) -> tuple[FieldParam, ...]:
    """Filters on the kind's fields `names`, in order; `shown` says how a chosen value of some of them reads in a
    target's label (held_in="在{}举办")."""
    return tuple(FieldParam(kind, name, shown.get(name, "{}")) for name in names)


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    unit: str
    kind: str
    params: tuple[Param, ...]
    # What is summed per record; None counts the records.
    total: str | None = None
    # Divides the sum: amounts are kept in yuan and plans speak in 万元.
    scale: Decimal = Decimal(1)
    # Neither a count nor a sum of a column (a share, the activities inside records): computed by `compute`
    # from the conditions on the records, the measure's parameters and the year.
    compute: Callable[[Session, list[ColumnElement[bool]], Mapping[str, Any], int], Decimal] | None = None
    # Conditions every target of the measure has, not chosen by a plan: a field and the values it may hold.
    fixed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    help: str = ""
    #: Counts people (人): the records of one person count once. Otherwise each record counts (人次, 次 …).
    people: bool = False
    #: Counted in the year a record starts only (a sum of money arrives once), not in every year it overlaps.
    by_start: bool = False

    @property
    def counting(self) -> str:
        """How it counts, in the words `ledger measures` and the README use."""
        if self.people:
            who = "按人计：同一人（身份证号相同，无身份证号时姓名和派出单位相同）只计一次"
        elif self.kind == "labour" and self.total in ("people", "poor_people"):
            who = "有花名册的按名册计人，同一人全年只计一次；没有花名册的按记录填写的人数合计"
        elif self.total is not None or self.compute is not None:
            who = "按记录中的数字合计"
        else:
            who = f"每条记录计1{self.unit}"
        when = "计入开始的年度" if self.by_start else "跨年的记录计入所涉及的每个年度"
        return f"{who}；{when}；草稿不计"

    def __post_init__(self) -> None:
        for param in self.params:
            if isinstance(param, FieldParam) and param.record_kind != self.kind:
                raise ValueError(f"{self.name}: {param.name} is a field of {param.record_kind}, not of {self.kind}")
        if self.unit != "%":  # every count and sum has its 县均; a share has none
            object.__setattr__(self, "params", (*self.params, PerCountyParam()))

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)

    def describe(self, params: Mapping[str, Any], *, year: int | None = None, compared: str = "") -> str:
        """The label with its filters, as a plan of `year` would say it: 会议次数（党政联席会议）; `compared` says how a
        target compares it with last year (不低于上年)."""
        parts = [self.param(name).describe(value) for name, value in params.items()]
        parts += [compared] if compared else []
        return in_era(f"{self.label}（{'，'.join(parts)}）" if parts else self.label, year)


def _deep_poverty_share(
    session: Session, conditions: list[ColumnElement[bool]], params: Mapping[str, Any], year: int
) -> Decimal:
    model = MODELS["disbursement"]
    amount = func.coalesce(func.sum(model.amount), 0)
    deep = func.coalesce(func.sum(model.amount).filter(model.deep_poverty.is_(True)), 0)
    total, share = session.execute(select(amount, deep).where(*conditions)).one()
    return Decimal(0) if not total else (Decimal(share) * 100 / Decimal(total)).quantize(Decimal("0.01"))


def _activities(
    session: Session, conditions: list[ColumnElement[bool]], params: Mapping[str, Any], year: int
) -> Iterator[Activity]:
    """The activities in `year` of the ties selected, those whose text holds the `activity` words when a target
    names them. A standing tie counts each year what was done in it, by the activities' own dates."""
    words = params.get("activity")
    for activities in session.scalars(select(MODELS["tie"].activities).where(*conditions)):
        for activity in activities:
            if activity.date.year == year and (not words or words in activity.text):
                yield activity


def _activity_count(
    session: Session, conditions: list[ColumnElement[bool]], params: Mapping[str, Any], year: int
) -> Decimal:
    return Decimal(sum(1 for _ in _activities(session, conditions, params, year)))


def _activity_amount(
    session: Session, conditions: list[ColumnElement[bool]], params: Mapping[str, Any], year: int
) -> Decimal:
    amounts = (activity.amount for activity in _activities(session, conditions, params, year) if activity.amount)
    return sum(amounts, Decimal(0)) / TEN_THOUSAND


MEETING_PARAMS = _fields(
    "meeting", "meeting_type", "held_in", "level", "main_leader_present", held_in="在{}举办", level="{}级"
)
TRAINING_PARAMS = _fields("training", "training_type", "programme", "held_in", programme="“{}”", held_in="在{}举办")
FUND_PARAMS = _fields(
    "disbursement", "fund_type", "fund_level", "use", "deep_poverty", fund_level="{}资金", use="用于{}"
)
EMPLOYED = (("labour_type", EMPLOYMENT),)
WORKER_PARAMS = (
    FieldParam("labour", "labour_type", within=EMPLOYMENT),
    FieldParam("labour", "to_east"),
    MonthsParam(),
)
INDUSTRY_PARAMS = _fields("industry", "cooperation_type")
TIE_PARAMS = (*_fields("tie", "level", level="{}结对"), ActivityParam())
REPORT_PARAMS = _fields("publicity", "side", "medium", side="{}供稿")

MEASURES: dict[str, Measure] = {
    measure.name: measure
    for measure in (
        Measure("meetings", "会议与互访次数", "次", "meeting", MEETING_PARAMS, help="召开或参加的会议、互访调研次数"),
        Measure(
            "cadres",
            "挂职干部人数",
            "人",
            "cadre",
            (*_fields("cadre", "direction", "rank"), DaysParam("挂职"), StartedParam()),
            help="挂职天数按本年度内的天数计：到实际返回日期，未返回的到计划结束日期",
            people=True,
        ),
        Measure(
            "dispatches",
            "专业技术人才人次",
            "人次",
            "dispatch",
            (*_fields("dispatch", "field", "direction", "role"), DaysParam("在岗"), StartedParam()),
            help="支教、支医、跟岗学习和进修的人次；“不少于1个月”即本年度内在岗30天以上",
        ),
        Measure("trainings", "培训期数", "期", "training", TRAINING_PARAMS, total="sessions", by_start=True),
        Measure("trainees", "培训人次", "人次", "training", TRAINING_PARAMS, total="participants", by_start=True),
        Measure(
            "poor_trainees",
            "培训建档立卡/脱贫人口人次",
            "人次",
            "training",
            TRAINING_PARAMS,
            total="poor_participants",
            by_start=True,
        ),
        Measure(
            "funds",
            "资金金额",
            "万元",
            "disbursement",
            FUND_PARAMS,
            total="amount",
            scale=TEN_THOUSAND,
            help="拨付或捐赠的金额，以万元计；捐物按折款计",
        ),
        Measure(
            "deep_poverty_share",
            "投向深度贫困地区/重点帮扶县资金占比",
            "%",
            "disbursement",
            FUND_PARAMS[:3],
            compute=_deep_poverty_share,
        ),
        Measure(
            "enterprises",
            "产业合作企业数",
            "家",
            "industry",
            (*INDUSTRY_PARAMS, StartedParam()),
            help="引进投资、入驻园区、开办帮扶车间等产业合作的企业（每条记录一家）；园区和车间在运行的每个年度都计入",
        ),
        Measure(
            "investment",
            "实际到位投资",
            "万元",
            "industry",
            INDUSTRY_PARAMS,
            total="investment",
            scale=TEN_THOUSAND,
            by_start=True,
        ),
        Measure(
            "poor_employed", "产业带动建档立卡/脱贫人口就业", "人", "industry", INDUSTRY_PARAMS, total="poor_employed"
        ),
        Measure(
            "workers",
            "就业人数",
            "人",
            "labour",
            WORKER_PARAMS,
            total="people",
            fixed=EMPLOYED,
            help="转移就业和就近就地就业的人数：有花名册的按名册计人，同一人全年只计一次；没有的按填写的人数",
        ),
        Measure(
            "poor_workers",
            "建档立卡/脱贫人口就业人数",
            "人",
            "labour",
            WORKER_PARAMS,
            total="poor_people",
            fixed=EMPLOYED,
        ),
        Measure(
            "job_fairs",
            "招聘会场次",
            "场",
            "labour",
            _fields("labour", "disabled_only"),
            fixed=(("labour_type", (JOB_FAIR,)),),
        ),
        Measure(
            "jobs_offered",
            "提供岗位数",
            "个",
            "labour",
            _fields("labour", "labour_type"),
            total="jobs",
            help="招聘会和劳务协作站提供或推送的岗位",
        ),
        Measure(
            "subsidies",
            "劳务补贴金额",
            "万元",
            "labour",
            (),
            total="subsidy",
            scale=TEN_THOUSAND,
            help="稳岗、交通等补贴",
        ),
        Measure(
            "sales",
            "消费帮扶金额",
            "万元",
            "consumption",
            _fields("consumption", "channel"),
            total="amount",
            scale=TEN_THOUSAND,
            help="采购和帮助销售西部农产品的金额",
        ),
        Measure("ties", "结对数", "对", "tie", (*TIE_PARAMS[:1], StartedParam()), help="本年度在结对期内的帮扶关系"),
        Measure(
            "tie_activities",
            "结对帮扶活动次数",
            "次",
            "tie",
            TIE_PARAMS,
            compute=_activity_count,
            help="结对双方开展的帮扶活动，按每条活动记录计",
        ),
        Measure(
            "tie_amounts",
            "结对帮扶资金和物资",
            "万元",
            "tie",
            TIE_PARAMS,
            compute=_activity_amount,
            help="帮扶活动中写明的金额，以万元计",
        ),
        Measure("reports", "宣传报道篇数", "篇", "publicity", (*_fields("publicity", "level"), *REPORT_PARAMS)),
        Measure(
            "provincial_reports",
            "省级以上媒体报道篇数",
            "篇",
            "publicity",
            REPORT_PARAMS,
            fixed=(("level", PROVINCIAL_OR_ABOVE),),
            help="中央和省级媒体的报道",
        ),
    )
}


def measure(name: str) -> Measure:
    try:
        return MEASURES[name]
    except KeyError:
        raise InvalidInput(
            [Problem("measure", "指标", name, f"没有这个指标，可选：{'、'.join(MEASURES)}")], "指标有误："
        ) from None


def parse_params(measure: Measure, given: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters in stored form, in the measure's order; every problem at once."""
    problems, parsed = [], {}
    known = {param.name for param in measure.params}
    for name in given:
        if name not in known:
            problems.append(
                Problem(name, name, given[name], f"指标“{measure.label}”没有这个条件，可用：{'、'.join(known)}")
            )
    for param in measure.params:
        if param.name in given and given[param.name] not in (None, ""):
            try:
                parsed[param.name] = param.parse(given[param.name])
            except ValueError as error:
                problems.append(Problem(param.name, param.label, given[param.name], str(error)))
    if problems:
        raise InvalidInput(problems, "指标条件有误：")
    return parsed
