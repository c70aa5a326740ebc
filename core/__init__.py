"""The bottom layer: small shared code that imports no app of this project.

Holds the domain error type, the shared middleware (security headers, the 503 when the
database drops), the API's exception handler and JSON parser, the client address behind
our proxies and a cache-backed rate counter. It may import Django, DRF and other
third-party libraries, never `config` or an app (`.importlinter` checks this).
"""
