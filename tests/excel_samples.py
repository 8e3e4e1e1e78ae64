"""Workbooks for the import tests, in the layout the export writes (see `ledger.excel.sheets`)."""

import base64
import html
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ledger.excel.sheets import ID_HEADER, SEQ_HEADER, SHEET_NAMES, TOTAL_LABEL
from ledger.kinds import KINDS


def header(kind: str) -> list[str]:
    """序号, every field's label in the spec's order, 记录编号 last: the export's header row."""
    return [SEQ_HEADER, *(field.label for field in KINDS[kind].fields), ID_HEADER]


def row(kind: str, values: Mapping[str, Any], number: int = 1, record_id: object = "") -> list[Any]:
    """A record's row under `header(kind)`, each value written as the export writes it."""
    cells = [field.values.cell(values.get(field.name)) for field in KINDS[kind].fields]
    return [number, *cells, str(record_id) if record_id else None]


def ledger_sheet(
    workbook: Workbook, kind: str, rows: Iterable[Sequence[Any]], columns: Sequence[str] | None = None
) -> Worksheet:
    """A sheet of `kind` as the export lays it out: a merged title, a date line, the header on row 3, then
    `rows` and a 合计 row."""
    columns = list(columns or header(kind))
    sheet = workbook.create_sheet(SHEET_NAMES[kind])
    sheet.append([f"鹤山市—龙州县{KINDS[kind].label}台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet.append(["截至2020年12月31日"])
    sheet.append(columns)
    for cells in rows:
        sheet.append(list(cells))
    sheet.append([TOTAL_LABEL])
    return sheet


def workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def columns_of(sheet: Worksheet, header_row: int = 3) -> dict[str, int]:
    """Each header's column number."""
    return {cell.value: cell.column for cell in sheet[header_row] if cell.value}


_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?</c>')


def with_results(path: Path, results: Mapping[str, str | int | float]) -> None:
    """Gives the formulas of the workbook at `path` (saved by openpyxl, which saves none) the results that Excel
    or WPS would save with them, as they save them: {"=2019+1": 2020, '=HYPERLINK("http://x","点我")': "点我"}.
    Formulas not in `results` stay without one."""

    def cached(found: re.Match) -> str:
        reference, attributes, formula = found[1], found[2], found[3]
        result = results.get(f"={html.unescape(formula)}")
        if result is None:
            return found[0]
        if isinstance(result, str):
            return f'<c r="{reference}"{attributes} t="str"><f>{formula}</f><v>{html.escape(result)}</v></c>'
        return f'<c r="{reference}"{attributes}><f>{formula}</f><v>{result}</v></c>'

    original = path.with_name(f"{path.stem}.without-results{path.suffix}")
    shutil.move(path, original)
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                data = _FORMULA_CELL.sub(cached, data.decode()).encode()
            target.writestr(member, data)
    original.unlink()


#: A workbook with an open password (“secret”): one sheet, saved as .xls by LibreOffice 7.4, zlib, base85.
PASSWORD_PROTECTED_XLS = zlib.decompress(
    base64.b85decode(
        "c-rk(3pCW*8s9S>jrR~KGEGQIhvcN>HH6YTNiC^JGtPt|c?_z9$gQYL<q&x{aXNB5N=ZrTmPd(DNTKM#K~fG4&bP<Evz+c(ccpvQUF)9JH|u"
        "-MZ~yoH_TJxqeEWWtY)eXxQY-p|43Q8T85KjK<1i91<>MbJLSzCP866${2#<cH|0^0MG>)M##7_hm$9xhIS203=rN1ZHAP@L?BRaA~9ME3KA"
        "5Da&z=|2)-sjXA`ONP=m%jS{a{u`J#^<;Y@TdD9pY?eEivvplO9D#)O9RV{T>(fISPpnHuspDWU`-&T2s{;d8n6=Kb2_0h&j6baJd?oGK&yW"
        "}YyRgXMu8}bil8e}l{n;r*y|vDSQq%`n^^L}-o|Yc)#JvKVT0)0TWZQt+HGW+!l^mh-O`-r+0i4H>p!Tnd<#XzCA3aYZH2Y;vv3K>+|_N+k^"
        "}NY4rXCB7YmehvK;s^)oy1vuLezh%WlWHNFVJ{DqgvJPSKRgl@_J<-}{ws=PvEsx190Ql>E>j(y-Mj9(|4J-Ym+(Bbl0S&g2E=k<ZROSN$Nj"
        "#c#@>ZPSxG5(DVPk)528ORb)b(S2b{Rt+if(*}>3gZCz9ClVRedtQg-Z4B0%j08Ye^RmINt1bem6k-hPR(yG(qD#w8k=@7M%5Ick)rdT0z;~"
        "@Nks!U&RY9g@NrQB9DS$d!){S6KU!aR<s3XG0IJY4*@r|XEaEILUgDP7zb}l{XDLhk2YtzDPU0CzI^o}x)l$iIU<E{_c-K5)Bk~fOI4>`T<x"
        "+E?&7QfZ_57s{$L}>g9;|)B1#`$IRysX~P@Hku=V51?i>p^&AaFTQ7&Ebtny*?Rj?`So14=3uP`N&$=*3RF{f5+34ccw42WftwNZOE6Xd}%!"
        "O!4g-}cBlOo!i5h-gY>@5q<2(b@Y%YXCM=0`v&F79-6(tUAZMj(3+&V^$N5!e^XwLL*gXMl={6}`OW79~Kes-S`E#9OVcf;_{dX^gKTodJU}"
        "HQk^}@5~C8i2iJu)@I4I|NFVF5iDZ;JM)sc%qC(JnoFR72Jvyv6X6EykxkzLM7;X?`YjFwxMM`y_g;`pGnmuhR>*NJ;K~Q@>9op7u;vuf5yP"
        "1>@428djWj)IXkFC49vqzDriAH0Bb<o5e)Sdq?wzB=WDhT3l_YYKvW$gK=NF5Zjv1kvfybABtEJ>tpzK+f9rIlS~i4U%N;@)I@FGQ-|2NV$p"
        ">680XEmjauVnWn2<Ja8Htbh-)Wt?*_)VJWkT&-5#*o5#g5;#>n7QmpjX1{3=&mULi1bQ*c@1yS(K6?X&|Y(lKtd*_GLEaJ4k5-E-FIH<>?0d"
        "iNj1xTIy9PJ!lbX5bGqm$7&Hy*;!iyA<PcJ>@&X)HP0Qh$=2)1+4UHY^6`exEpn-+UoHMUe(ZzRTn2Q<doTu5XMu_X8ZMSZD3cJ56yNcm8oL"
        "*2QR_+U8SnSS-0P6(QAxmh4Wa6iGi$j7@tEq6~mQ?yi@nk^!E0F(34ERA|A#`iOVdT%3sGcxw4OSc(1s2dA;uij7MKeqra?-FPqW9P+OozO1"
        "fiT(0-gOj7<F1La+`QaPP(X@ykIKtbeKZOTk)3{zf;}(Wma0JHlR=(i{fo{|H<eW&Nh*JNe~OBfT==5pahjRV3M$kSHiv-d(TVpR3=A?2#T#"
        "%Xr3uzUqNSK0^ih<*%RKc=@85roIei(ZxRIDxDwqcvu&B%RhJOtX`2G=kFM(&Hc5t*{peP7H?N~oWqX><`2UAOnl$@9E}k^++2SyjKZzmIx@"
        "+oHkA)I(YD$EvemPZ$xj!VoxO7E!zf%>uMLe(Wg7al*{3>F6p;I~?x@$Z45e}y+=`nD$G6=&%bQk!Z?&=0kNStxPZIWcrlJhUt~6PY;ZLY=6"
        "Bg;(1*hDKzP=rh@4JHlsl8_;l#wB(J_}~0wk_jYFqF9cG8d#@susvs(jg!nmwdbx55T{K1)(6%q-sF@oA30}nrBEx%?4ZFfq&k*xR9d>wuVX"
        "~zw>T&?HsW4D%aG-o4ooq1*syFpv|L=C_U3EKUDeqZ#Fwes10a#n!VP#w>rQnpd=|E#b_h6eXD*SjNn*BsrbRJlRC726&*ulY2?=H)u!uRW6"
        "&*P=gttKkf~^^qWMb?nGk)0sKx3B5+u<uOqwINGg&_Mi2k{vF0>Bq72n)uSG2N6+eGbg<ISGQzpmG?wdhiw_2KEzbZXY{BU`Dij@n&Y_Rldr"
        "#B!{TwByrG$k{KeP!q|o^QcKE<?;7F%y6N(m|4dc$1Zy^*};S?hkRl$lcL@q(ie?jH5M&Z?+f6nK>T<~dg*<tLhZS0io5f-Xu41okxq-kyyf"
        "{zg?QiZ?=td^X<4yZ$~n4!iTJ<eG9<_tgv7^kAS#6{z^;!KSt)~9&35+k*yF+Srdx8InQnB0Mc>#u?O?jOF$KXkXR}y~|C`*4G?qSnF^!DkH"
        "pqY0E@}x&>Kk199rauk1!>LBYnTsMERmbxat4vJEhq9c2O?Mdj>y-%iJUEn$lD@_T<_H|f*WkCj)y0c<LS?J!#-(5`Fx`7kMyY><T&J@8rV!"
        "4Z~xWf#|XLZZe4=5GWGZmF#dUi=Phu4`U&Ph<e4ObspH1DipXmbk!#}e#Y8z{T<(kK%FNT#j_I|B?ZNru9O3!Z)7C|QSNbd8e}eh{WDovX9U"
        "K#e*qFTuyn7*6v_sGj*9rGu4x&XS;xsyecU7+F$9=XG{JKM)x)%Dd>x=vgjeCQAP91zMS^vJz*CIE>{NnhDga3)X|5S*#8WOzsHXt7uzdLdg"
        "#NHZK0ZR}QjCdn9*qr~+mL}m}WCHV#_tl->{ab(sXF(sBf)zNi{w)52@v8!7e0~25=r;^E`7i"
    )
)
