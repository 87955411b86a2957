"""Command-line groups, by noun: ``flask demo``, ``users``, ``staff``, ``backup``, ``restore``,
``bank``, ``exams``, ``surveys``, ``analytics``."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from app.bank.cli import bank_cli
    from app.cli.backup import backup_command, restore_command
    from app.cli.demo import demo_cli
    from app.cli.people import staff_cli, users_cli
    from app.exams.cli import exams_cli

    for command in (demo_cli, users_cli, staff_cli, bank_cli, backup_command, restore_command):
        app.cli.add_command(command)
    app.cli.add_command(exams_cli)
    from app.surveys.cli import surveys_cli

    app.cli.add_command(surveys_cli)
    try:
        from app.analytics.cli import analytics_cli
    except ImportError:  # pragma: no cover - the analytics module is optional while built
        return
    app.cli.add_command(analytics_cli)
