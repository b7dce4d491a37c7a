"""Helpers shared by the tests and the benchmarks, never by the product
(not installed with it): a throwaway PostgreSQL server."""
