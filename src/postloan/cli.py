"""The `postloan` console command: the project's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    from django.core.management import execute_from_command_line  # after the settings variable

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
