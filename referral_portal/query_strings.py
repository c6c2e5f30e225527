"""The query strings of the portal's GET pages. Their filters are ids, codes, reference numbers
and dates, never a name, so a query string may sit in a link, in the log and (hashed) in a cache
key: a filter form drawn from the same query string is the same HTML, and the pages cache it
under that string (`{% cache 600 <name> form.is_bound filter_query %}`)."""

from django.http import QueryDict


def without(query: QueryDict, *names: str) -> str:
    """`query` as a query string without the parameters `names` (e.g. the page number: the same
    filters on another page, or as a cache key for the filter form)."""
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
