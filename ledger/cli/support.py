"""What the `ledger` commands share: adding a command and its common options, opening the ledger named on the
command line, and printing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ledger.errors import InvalidInput
from ledger.fields import Problem
from ledger.storage.folder import Ledger, resolve_ledger_path
from ledger.values import display_width

#: What a command module's `register` is given to add its commands: (name, the function that runs it, its help)
#: → the command's parser, for its own arguments.
Command = Callable[[str, Callable | None, str], argparse.ArgumentParser]


def command_adder(parsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> Command:
    """Adds commands to `parsers`, each taking the options every command takes (`common`: --ledger, --author)
    and described by its help."""

    def add(name: str, run: Callable | None, help: str) -> argparse.ArgumentParser:
        sub = parsers.add_parser(name, parents=[common], help=help, description=help)
        sub.set_defaults(run=run)
        return sub

    return add


def conflicts_option(sub: argparse.ArgumentParser, rules: dict[str, str], default: str, ask: str, end: str) -> None:
    """--conflicts, for the commands that bring in records the ledger may have changed meanwhile: one of
    `rules`, each listed in the help with its words between `ask` and `end`."""
    sub.add_argument(
        "--conflicts",
        choices=list(rules),
        default=default,
        help=ask + "；".join(f"{key} {words}" for key, words in rules.items()) + end,
    )


def open_ledger(args: argparse.Namespace) -> Ledger:
    ledger = Ledger.open(resolve_ledger_path(getattr(args, "ledger", None)), author=getattr(args, "author", None))
    ledger.on_warning = warn  # a failed close backup is said, though the command's work is done
    return ledger


def warn(message: str) -> None:
    print(f"注意：{message}", file=sys.stderr)


def assignments(items: Sequence[str], option: str = "--set", form: str = "字段=值") -> dict[str, str]:
    """NAME=VALUE pairs as given; every malformed one named at once."""
    texts, problems = {}, []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            problems.append(Problem(item, option, item, f"应写作 {form}"))
        else:
            texts[name.strip()] = value
    if problems:
        raise InvalidInput(problems)
    return texts


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Prints columns aligned for Chinese text, whose characters take two cells."""
    widths = [max([display_width(h)] + [display_width(row[i]) for row in rows]) for i, h in enumerate(headers)]
    for row in (headers, *rows):
        cells = [cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip())
