"""Models with blind-index columns: keyed hashes (crypto.blind_index) to find equal values
without decrypting, and the id of the key that computed them, so the key can rotate.

A model declares BLIND_INDEX_PURPOSES (column -> purpose) and blind_index_sources() (column -> the
plaintext to index). Writes go through refresh_blind_indexes(), lookups through
blind_index_matches(), and `manage.py reindex_blind_indexes` recomputes every row whose
blind_index_key is not the active key's id.
"""

from django.db import models
from django.db.models import Q

from . import crypto


class BlindIndexedModel(models.Model):
    # "" is the single BLIND_INDEX_KEY: rows indexed before keys had ids.
    blind_index_key = models.CharField(max_length=16, blank=True, default="", editable=False)

    BLIND_INDEX_PURPOSES: dict[str, str] = {}

    class Meta:
        abstract = True

    def blind_index_sources(self) -> dict[str, str]:
        raise NotImplementedError

    def refresh_blind_indexes(self) -> None:
        sources = self.blind_index_sources()
        for column, purpose in self.BLIND_INDEX_PURPOSES.items():
            text = sources[column]
            setattr(self, column, crypto.blind_index(text, purpose=purpose) if text.strip() else "")
        self.blind_index_key = crypto.active_blind_index_key_id()

    @classmethod
    def blind_index_matches(cls, column: str, value: str) -> Q:
        """Rows whose `column` indexes `value` under any configured key."""
        purpose = cls.BLIND_INDEX_PURPOSES[column]
        return Q(**{f"{column}__in": crypto.blind_index_candidates(value, purpose=purpose)})


def blind_indexed_models(all_models) -> list[type[BlindIndexedModel]]:
    """Each table once: a proxy model shares its table with the model it stands for."""
    return [
        model
        for model in all_models
        if issubclass(model, BlindIndexedModel) and not model._meta.proxy
    ]
