"""Alembic's environment script for orm-lite migrations: hands over to orm-lite."""

from alembic import context

from manouche.orm_lite._migrations._env import run_env

run_env(context)
