#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")
    from django.core.management import execute_from_command_line

    from forum_portal.local_dirs import local_dirs_create

    local_dirs_create()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
