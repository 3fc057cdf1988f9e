"""Talking to the office over the network: the HTTP client that sends sealed bundles.

It knows the office's inbox protocol and TLS, and nothing of the workspace: what to send
comes in as bytes and the office's answer goes back as bytes. Combining the two (seal,
send, take the receipt) is ``msp_desktop.services.network_sync``.
"""
