"""``python -m alliance_kg.cli``: the ``akg`` command line."""

from alliance_kg.cli import main

main()
