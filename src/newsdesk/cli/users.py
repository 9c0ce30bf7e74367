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
    """The password from a file's first line, else asked for on the terminal (twice), hashed with argon2."""
    from newsdesk.contenttree import read_capped
    from newsdesk.store.users import UserError
    from newsdesk.web.auth import hash_password

    if password_file is not None:
        try:
            lines = read_capped(password_file, 64 * 1024).decode("utf-8").splitlines()
        except UnicodeDecodeError:
            raise UserError(f"{password_file}: the password file is not UTF-8 text") from None
        password = lines[0] if lines else ""
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return hash_password(password)


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
    from newsdesk.store.users import ROLES, add_user, check_name

    check_name(name)
    if role not in ROLES:
        raise typer.BadParameter(f"{role!r} is not one of {', '.join(ROLES)}", param_hint="--role")
    with open_desk(desk, os.environ) as opened:
        hashed = _new_password(password_file)
        with opened.store.transaction() as conn:
            add_user(conn, name, role, hashed, actor=editor(""), now=now())
    typer.echo(f"added {role} {name}")


@users_app.command("list")
@user_errors
def users_list(desk: DeskOption = Path("desk")) -> None:
    """Every user: name, role, since when, and whether disabled."""
    from newsdesk.desk import open_desk
    from newsdesk.store.users import list_users

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        users = list_users(conn)
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
    from newsdesk.store.users import UserError, set_password_hash, user_by_name

    with open_desk(desk, os.environ) as opened:
        with opened.store.transaction() as conn:
            if user_by_name(conn, name) is None:
                raise UserError(f"no user {name!r} (add one with `newsdesk users add {name}`)")
        hashed = _new_password(password_file)
        with opened.store.transaction() as conn:
            set_password_hash(conn, name, hashed, actor=editor(""), now=now())
    typer.echo(f"password of {name} changed")


@users_app.command("disable")
@user_errors
def users_disable(
    name: Annotated[str, typer.Argument(help="The user's login name.")], desk: DeskOption = Path("desk")
) -> None:
    """Stop a user logging in; their open sessions end."""
    from newsdesk.desk import open_desk
    from newsdesk.store.users import set_disabled

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        set_disabled(conn, name, True, actor=editor(""), now=now())
    typer.echo(f"{name} disabled")


@users_app.command("enable")
@user_errors
def users_enable(
    name: Annotated[str, typer.Argument(help="The user's login name.")], desk: DeskOption = Path("desk")
) -> None:
    """Let a disabled user log in again."""
    from newsdesk.desk import open_desk
    from newsdesk.store.users import set_disabled

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        set_disabled(conn, name, False, actor=editor(""), now=now())
    typer.echo(f"{name} enabled")
