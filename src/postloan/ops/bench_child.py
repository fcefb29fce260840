"""The entry point of `postloan bench`'s child processes: Django is set up before the bench's
module (whose imports name the bank's models) is imported.

    python -m postloan.ops.bench_child PHASE FOLDER AS_OF
"""

import os
import sys

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    django.setup()
    from postloan.ops.bench import phase_child  # after setup: it imports the models

    phase_child(sys.argv[1], sys.argv[2], sys.argv[3])
