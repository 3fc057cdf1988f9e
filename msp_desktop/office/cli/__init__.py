"""``msp-office``, the office command line: parse, call the office core, print.

``main`` builds the parser and runs a command (the console script); ``commands``
holds the commands on devices, bundles and the database (``init``, ``import``,
``status`` ...); ``report`` the report command and ``serve`` the ``serve`` and
``openapi`` commands. Nothing else in the office imports this package.
"""
