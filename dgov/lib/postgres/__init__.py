"""Django's PostgreSQL backend, with psycopg's own timestamp loader (``base``)."""
