"""Personal data sealed with its person's key (services/gateway/learners/personal_data.py): it opens
with that key and that reference only; without the key nothing of it can be read."""
from __future__ import annotations

import pytest

from services.gateway.learners.personal_data import Unreadable, new_key, open_sealed, seal


def test_sealed_data_opens_with_its_key_and_reference_only():
    key, other = new_key(), new_key()
    sealed = seal(key, "ref-1", {"user_id": "lea@example.org", "email": "lea@example.org"})
    assert "lea" not in sealed and sealed != seal(key, "ref-1", {"user_id": "lea@example.org",
                                                                "email": "lea@example.org"})  # a fresh nonce
    assert open_sealed(key, "ref-1", sealed) == {"user_id": "lea@example.org", "email": "lea@example.org"}
    for wrong_key, ref in ((other, "ref-1"), (key, "ref-2")):
        with pytest.raises(Unreadable):
            open_sealed(wrong_key, ref, sealed)


@pytest.mark.parametrize("tampered", ["", "AAAA", "not base64!", "Ag" + "A" * 60])
def test_anything_else_is_unreadable_not_an_error(tampered):
    with pytest.raises(Unreadable):
        open_sealed(new_key(), "ref-1", tampered)
