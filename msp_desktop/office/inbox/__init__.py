"""The office inbox over HTTP(S) (``msp-office serve``): devices send bundles here.

``receive`` takes a bundle's bytes and returns its signed receipt (the same checks
and import as ``msp-office import``) and needs no web framework; ``app`` is the
Starlette application around it, with ``refusals`` (status and sentence for each
refusal), ``limits`` (rate limits), ``logs`` (JSON lines) and ``openapi`` (the API's
description); ``server`` runs it on uvicorn. Starlette and uvicorn come with the
``office`` extra and are imported only by ``app``, ``refusals`` and ``server``.
"""
