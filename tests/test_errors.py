"""The domain's refusals carry no HTTP status; the API's exception handler maps them."""

from core.api import exception_handler
from core.errors import DomainError, NotPermitted


def test_a_domain_error_is_a_409_with_its_message_and_code():
    response = exception_handler(DomainError("Taken.", code="taken"), {})
    assert response.status_code == 409
    assert response.data == {"detail": "Taken.", "code": "taken"}


def test_a_refusal_of_who_may_do_it_is_a_403():
    response = exception_handler(NotPermitted("Not yours.", code="not_yours"), {})
    assert response.status_code == 403
    assert response.data == {"detail": "Not yours.", "code": "not_yours"}


def test_the_error_type_knows_nothing_of_http():
    assert not hasattr(DomainError("x"), "status_code")
