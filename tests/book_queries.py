"""The queries a page of books costs, whatever its size: v1 reads its count (the counter on PostgreSQL), both read
the page. On PostgreSQL the page's query builds each book's JSON, credits and genres included
(catalog/representations.py); elsewhere two more queries bring the page's credits and genres."""

from django.db import connection


def book_page_queries(version: str) -> int:
    relations = 0 if connection.vendor == "postgresql" else 2
    return {"v1": 2, "v2": 1}[version] + relations
