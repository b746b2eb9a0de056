"""CLI subcommands, one module per page of the app; each exposes `register(subparsers)`.

    workspace        init, demo
    backup           backup, restore                                (Settings)
    users            user add, list, remove, set-role, reset-password   (sign-in)
    journeys         list, export, import-journey, check-journey, bin   (the Journeys page)
    studio           render, check                                  (Email studio)
    review           report                                         (Weekly review)
    import_metrics   import-metrics                                 (Import metrics)

`register` only builds argparse parsers: a module imports argparse and the standard library at its
top, and each command's handler imports the services it calls inside the function, so that
`python -m journey --help` loads no database, template or chart library.
"""
