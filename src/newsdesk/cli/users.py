"""``newsdesk users``: who may log in to the editors' desk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.frame import DeskOption, editor, now, user_errors, when

users_app = typer.Typer(help="Who may log in to the editors' desk (/desk/): editors and admins.", no_args_is_help=True)

PasswordFileOption = Annotated[
    Path | None,
    typer.Option(
        "--password-file", help="Read the password from this file's first line (else it is asked for, twice)."
    ),
]


def _new_password(password_file: Path | None) -> str:
    """The password from a file's first line, else asked for on the terminal (twice)."""
    from newsdesk.desk.users import password_from_file

    if password_file is not None:
        return password_from_file(password_file)
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
@user_errors
def users_add(
    name: Annotated[str, typer.Argument(help="The user's login name.")],
    role: Annotated[str, typer.Option("--role", help="editor (stories and sources) or admin (also users).")] = "editor",
    password_file: PasswordFileOption = None,
    desk: DeskOption = Path("desk"),
) -> None:
    """Add a user who may log in to the desk; the password is kept as an argon2 hash."""
    from newsdesk.desk import open_desk
    from newsdesk.desk.users import add_account, check_account
    from newsdesk.store.users import ROLES

    if role not in ROLES:
        raise typer.BadParameter(f"{role!r} is not one of {', '.join(ROLES)}", param_hint="--role")
    check_account(name, role)
    with open_desk(desk, os.environ) as opened:
        add_account(opened.store, name, role, _new_password(password_file), actor=editor(""), now=now())
    typer.echo(f"added {role} {name}")


@users_app.command("list")
@user_errors
def users_list(desk: DeskOption = Path("desk")) -> None:
    """Every user: name, role, since when, and whether disabled."""
    from newsdesk.desk import open_desk
    from newsdesk.desk.users import accounts

    with open_desk(desk, os.environ) as opened:
        users = accounts(opened.store)
    for user in users:
        flag = "\tdisabled" if user.disabled else ""
        typer.echo(f"{user.name}\t{user.role}\t{when(user.created_at)}{flag}")


@users_app.command("passwd")
@user_errors
def users_passwd(
    name: Annotated[str, typer.Argument(help="The user's login name.")],
    password_file: PasswordFileOption = None,
    desk: DeskOption = Path("desk"),
) -> None:
    """Set a user's password; their open sessions end."""
    from newsdesk.desk import open_desk
    from newsdesk.desk.users import change_password, require_account

    with open_desk(desk, os.environ) as opened:
        require_account(opened.store, name)
        change_password(opened.store, name, _new_password(password_file), actor=editor(""), now=now())
    typer.echo(f"password of {name} changed")


@users_app.command("disable")
@user_errors
def users_disable(
    name: Annotated[str, typer.Argument(help="The user's login name.")], desk: DeskOption = Path("desk")
) -> None:
    """Stop a user logging in; their open sessions end."""
    _enable(name, False, desk)
    typer.echo(f"{name} disabled")


@users_app.command("enable")
@user_errors
def users_enable(
    name: Annotated[str, typer.Argument(help="The user's login name.")], desk: DeskOption = Path("desk")
) -> None:
    """Let a disabled user log in again."""
    _enable(name, True, desk)
    typer.echo(f"{name} enabled")


def _enable(name: str, enabled: bool, desk: Path) -> None:
    from newsdesk.desk import open_desk
    from newsdesk.desk.users import set_enabled

    with open_desk(desk, os.environ) as opened:
        set_enabled(opened.store, name, enabled, actor=editor(""), now=now())
