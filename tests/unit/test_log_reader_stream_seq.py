"""The stream sequence the bulk rebuild's reader takes from a JetStream delivery's reply subject."""
from services.gateway.projection.log_reader import Stored, stream_seq


def test_the_sequence_of_a_reply_without_a_domain():
    assert stream_seq(b"$JS.ACK.COURSES.rebuild-1.1.4711.4711.1700000000000000000.0") == 4711


def test_the_sequence_of_a_reply_with_a_domain_and_an_account_hash():
    reply = b"$JS.ACK.hub.ACCHASH.COURSES.rebuild-1.3.982451653.17.1700000000000000000.0.random"
    assert stream_seq(reply) == 982451653


def test_a_stored_message_reads_by_name_and_as_a_tuple():
    m = Stored(7, "course.c1.CourseCreated", b"{}")
    assert (m.seq, m.subject, m.data) == tuple(m) == (7, "course.c1.CourseCreated", b"{}")
