"""Domain name -> id, cached in the warm container for a bounded time.

ListDomains has no name filter, so a lookup lists every page; the cache makes that a
once-per-TTL cost. A miss (unknown name, or a domain not yet InService) refreshes the listing
at most once per request, so a domain created a minute ago is found without waiting for the TTL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from presign.sagemaker import IN_SERVICE, Domain


class DomainDirectory:
    def __init__(self, *, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._by_name: dict[str, Domain] = {}
        self._loaded_at: float | None = None

    def find_in_service(
        self, *, name: str, list_domains: Callable[[], Iterable[Domain]], ttl_seconds: float
    ) -> Domain | None:
        """The InService domain called `name`, or None."""
        refreshed = False
        if self._is_stale(ttl_seconds):
            self._refresh(list_domains)
            refreshed = True
        domain = self._by_name.get(name)
        if not _usable(domain) and not refreshed:
            self._refresh(list_domains)
            domain = self._by_name.get(name)
        return domain if _usable(domain) else None

    def _is_stale(self, ttl_seconds: float) -> bool:
        return self._loaded_at is None or self._clock() - self._loaded_at >= ttl_seconds

    def _refresh(self, list_domains: Callable[[], Iterable[Domain]]) -> None:
        by_name: dict[str, Domain] = {}
        for domain in list_domains():
            # Names are not guaranteed unique across states (a deleting twin may linger):
            # an InService domain wins over any other of the same name.
            if domain.name not in by_name or (
                domain.status == IN_SERVICE and by_name[domain.name].status != IN_SERVICE
            ):
                by_name[domain.name] = domain
        # Swap only after the whole listing succeeded: a failed page keeps the old view.
        self._by_name = by_name
        self._loaded_at = self._clock()


def _usable(domain: Domain | None) -> bool:
    return domain is not None and domain.status == IN_SERVICE
