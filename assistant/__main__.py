import os
import sys

from .cli import main

try:
    code = main()
    # A fast exit: everything is written and flushed; tearing down the loaded libraries only costs time.
    sys.stdout.flush()
    sys.stderr.flush()
except BrokenPipeError:  # the reader went away (`… | head`): nothing more to say to it
    code = 0
os._exit(code)
